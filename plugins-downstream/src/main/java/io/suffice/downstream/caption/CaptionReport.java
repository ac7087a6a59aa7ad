package io.suffice.downstream.caption;

import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.Modality;
import io.suffice.downstream.generative.RootMap;
import io.suffice.api.tensor.HostTensor;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Judges generated captions with belief propagation and prints them: a caption "agrees" with its image when the BP
 * root posterior MAP of the caption equals the image's; the rate over all images is reported for the greedy and the
 * sampled captions beside the true texts' rate ({@code caption_root_agreement_*}). The text lists the first images
 * with their true text and captions as token sequences.
 */
final class CaptionReport {
    private CaptionReport() {
    }

    /**
     * @param oracle  BP answers, or null (no agreement rates, no root MAPs)
     * @param image   int64 {@code [n, Li]}
     * @param text    int64 {@code [n, Lt]}, the true texts
     * @param greedy  {@code [n][Lt]}
     * @param sampled {@code [n][Lt]}
     * @param listed  images to list in the text
     * @return the listing
     */
    static String judge(BayesOracle oracle, HostTensor image, HostTensor text, int[][] greedy, int[][] sampled,
                        int listed, Map<String, Double> summary) {
        int n = greedy.length;
        int[] imageMap = null;
        int[] textMap = null;
        int[] sampledMap = null;
        int[] greedyMap = null;
        if (oracle != null) {
            imageMap = RootMap.of(oracle.rootPosterior(Modality.IMAGE, image));
            textMap = RootMap.of(oracle.rootPosterior(Modality.TEXT, text));
            sampledMap = RootMap.of(oracle.rootPosterior(Modality.TEXT, tokens(sampled)));
            greedyMap = RootMap.of(oracle.rootPosterior(Modality.TEXT, tokens(greedy)));
            summary.put("caption_root_agreement_sampled", RootMap.agreement(imageMap, sampledMap));
            summary.put("caption_root_agreement_greedy", RootMap.agreement(imageMap, greedyMap));
            summary.put("caption_root_agreement_true_text", RootMap.agreement(imageMap, textMap));
        }
        long[] truth = new long[text.size()];
        text.longs().get(0, truth);
        int length = greedy[0].length;
        StringBuilder out = new StringBuilder("# root MAP = argmax of the BP root posterior (image / text)\n");
        for (int i = 0; i < Math.min(listed, n); i++) {
            out.append("image ").append(i);
            if (imageMap != null) {
                out.append(" (root MAP ").append(imageMap[i]).append(')');
            }
            out.append('\n');
            out.append("  true text ").append(join(Arrays.copyOfRange(truth, i * length, (i + 1) * length)))
                    .append(mapNote(textMap, i)).append('\n');
            out.append("  greedy    ").append(join(greedy[i])).append(mapNote(greedyMap, i)).append('\n');
            out.append("  sampled   ").append(join(sampled[i])).append(mapNote(sampledMap, i)).append('\n');
        }
        return out.toString();
    }

    static HostTensor tokens(int[][] t) {
        long[] v = new long[t.length * t[0].length];
        for (int i = 0; i < t.length; i++) {
            for (int j = 0; j < t[i].length; j++) {
                v[i * t[i].length + j] = t[i][j];
            }
        }
        return HostTensor.of(v, t.length, t[0].length);
    }

    private static String mapNote(int[] map, int i) {
        return map == null ? "" : "  (root MAP " + map[i] + ")";
    }

    private static String join(int[] t) {
        return Arrays.stream(t).mapToObj(Integer::toString).collect(Collectors.joining(" "));
    }

    private static String join(long[] t) {
        return Arrays.stream(t).mapToObj(Long::toString).collect(Collectors.joining(" "));
    }
}
