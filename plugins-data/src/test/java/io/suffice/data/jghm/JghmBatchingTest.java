package io.suffice.data.jghm;

import io.suffice.api.oracle.Modality;
import io.suffice.api.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Batching is invisible: row i of every batched BP or oracle answer equals the answer for example i computed alone,
 * for batches of several rows and for one larger than the 256-example parallel chunk; the contrastive loss of group
 * g uses rows g*K .. g*K+K-1 only.
 */
class JghmBatchingTest {
    private static final JghmModel MODEL =
            TransitionMatrixGenerator.generate(new JghmSpec(3, 2, 2, 2, 3, 0.3, 0.25, 0.9, 41));

    private static long[] tokens(SplittableRandom r, int n, int leaves) {
        long[] t = new long[n * leaves];
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextInt(3);
        }
        return t;
    }

    private static HostTensor row(long[] flat, int i, int leaves) {
        return HostTensor.of(Arrays.copyOfRange(flat, i * leaves, (i + 1) * leaves), 1, leaves);
    }

    @Test
    void logRootLikelihoodsOfALargeBatchEqualSinglePasses() {
        BeliefPropagation bp = new BeliefPropagation(MODEL.text());
        int leaves = MODEL.text().leaves();
        int n = 300;
        long[] flat = tokens(new SplittableRandom(1), n, leaves);
        int[] x = new int[flat.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (int) flat[i];
        }
        double[][] batched = bp.logRootLikelihoods(x, n);
        for (int i = 0; i < n; i++) {
            assertThat(batched[i]).as("row %d", i).containsExactly(bp.upward(x, i * leaves).logH()[0]);
        }
        assertThatThrownBy(() -> bp.logRootLikelihoods(new int[2 * leaves - 1], 2))
                .hasMessageContaining("2 examples need " + 2 * leaves + " tokens");
    }

    @Test
    void oracleRowsEqualSingleExampleAnswers() {
        JghmBayesOracle oracle = new JghmBayesOracle(MODEL);
        SplittableRandom r = new SplittableRandom(2);
        int li = MODEL.image().leaves();
        int lt = MODEL.text().leaves();
        int n = 3;
        long[] im = tokens(r, n, li);
        long[] tx = tokens(r, n, lt);
        double[] z = new double[n * li];
        for (int i = 0; i < z.length; i++) {
            z[i] = im[i] + r.nextGaussian();
        }
        HostTensor imT = HostTensor.of(im, n, li);
        HostTensor txT = HostTensor.of(tx, n, lt);
        double[][] mean = oracle.denoiserMean(HostTensor.of(z, n, li), txT);
        double[][][] next = oracle.nextTokenPosterior(txT, imT);
        double[][] root = oracle.rootPosterior(Modality.TEXT, txT);
        double[][] lik = oracle.logRootLikelihood(Modality.IMAGE, imT);
        double[][] both = oracle.rootPosterior(imT, txT);
        for (int i = 0; i < n; i++) {
            HostTensor zi = HostTensor.of(Arrays.copyOfRange(z, i * li, (i + 1) * li), 1, li);
            assertThat(mean[i]).as("denoiser row %d", i).containsExactly(oracle.denoiserMean(zi, row(tx, i, lt))[0]);
            double[][] single = oracle.nextTokenPosterior(row(tx, i, lt), row(im, i, li))[0];
            for (int t = 0; t < lt; t++) {
                assertThat(next[i][t]).as("next token row %d token %d", i, t).containsExactly(single[t]);
            }
            assertThat(root[i]).containsExactly(oracle.rootPosterior(Modality.TEXT, row(tx, i, lt))[0]);
            assertThat(lik[i]).containsExactly(oracle.logRootLikelihood(Modality.IMAGE, row(im, i, li))[0]);
            assertThat(both[i]).containsExactly(oracle.rootPosterior(row(im, i, li), row(tx, i, lt))[0]);
        }
        // the rows differ, or the equalities above prove nothing
        assertThat(mean[1]).isNotEqualTo(mean[0]);
        assertThat(next[1][lt - 1]).isNotEqualTo(next[0][lt - 1]);
    }

    @Test
    void groupedTokensAreRowsInOrder() {
        JghmBayesOracle oracle = new JghmBayesOracle(MODEL);
        SplittableRandom r = new SplittableRandom(3);
        int li = MODEL.image().leaves();
        int groups = 3;
        int k = 2;
        long[] im = tokens(r, groups * k, li);
        double[][] grouped = oracle.logRootPosterior(Modality.IMAGE, HostTensor.of(im, groups, k, li));
        double[][] flat = oracle.logRootPosterior(Modality.IMAGE, HostTensor.of(im, groups * k, li));
        assertThat(grouped).hasNumberOfRows(groups * k);
        for (int i = 0; i < groups * k; i++) {
            assertThat(grouped[i]).as("row %d", i).containsExactly(flat[i]);
        }
        assertThat(grouped[1]).isNotEqualTo(grouped[0]);
    }

    @Test
    void oracleDrawsAreTheTruthSamplersCandidateGroups() {
        JghmModel truth = MODEL;
        JghmBayesOracle oracle = new JghmBayesOracle(truth, truth.withP(0.3));
        io.suffice.api.data.Batch b = oracle.sample(4, 3, 11);
        JghmSamples d = new JghmSampler(truth).candidates(4, 3, new SplittableRandom(11));
        int li = truth.image().leaves();
        assertThat(b.get("image").shape().dims()).containsExactly(4, 3, li);
        assertThat(b.get("image").toDoubleArray()).containsExactly(Arrays.stream(d.image()).asDoubleStream().toArray());
        assertThat(b.get("text").toDoubleArray()).containsExactly(Arrays.stream(d.text()).asDoubleStream().toArray());
        double[] noisy = b.get("image_noisy").toDoubleArray();
        for (int i = 0; i < noisy.length; i++) {
            assertThat(noisy[i]).isEqualTo(d.noisyImage()[i]);
        }
        // one candidate: plain pairs with the K = 1 dimension
        io.suffice.api.data.Batch one = oracle.sample(5, 1, 11);
        JghmSamples p = new JghmSampler(truth).paired(5, new SplittableRandom(11));
        assertThat(one.get("text").shape().dims()).containsExactly(5, 1, truth.text().leaves());
        assertThat(one.get("text").toDoubleArray()).containsExactly(Arrays.stream(p.text()).asDoubleStream().toArray());
        assertThatThrownBy(() -> oracle.sample(0, 2, 1)).hasMessageContaining("at least one group");
        assertThatThrownBy(() -> oracle.sample(1, 0, 1)).hasMessageContaining("at least one candidate");
    }

    @Test
    void datasetBatchesHoldTheSamplersDraws() {
        // the dataset is a view of the sampler: same generator state, same tokens, roots, labels and noisy leaves
        JghmDataset ds = new JghmDataset(MODEL, MODEL, Pairing.PAIRED, 1);
        io.suffice.api.data.Batch b = ds.sample(5, new SplittableRandom(9));
        JghmSamples d = new JghmSampler(MODEL).paired(5, new SplittableRandom(9));
        assertThat(b.get("image").toDoubleArray()).containsExactly(Arrays.stream(d.image()).asDoubleStream().toArray());
        assertThat(b.get("text").toDoubleArray()).containsExactly(Arrays.stream(d.text()).asDoubleStream().toArray());
        assertThat(b.get("root").toDoubleArray())
                .containsExactly(Arrays.stream(d.imageRoot()).asDoubleStream().toArray());
        assertThat(b.get("text_root").toDoubleArray())
                .containsExactly(Arrays.stream(d.textRoot()).asDoubleStream().toArray());
        int lt = MODEL.text().leaves();
        for (int i = 0; i < 5; i++) {
            assertThat(b.get("label").toDoubleArray()[i]).isEqualTo(d.text()[i * lt]);
        }
        double[] noisy = b.get("image_noisy").toDoubleArray();
        for (int i = 0; i < noisy.length; i++) {
            assertThat(noisy[i]).isEqualTo(d.noisyImage()[i]);
        }
        // grouped: [n, K, leaves] rows in the sampler's order
        JghmDataset grouped = new JghmDataset(MODEL, MODEL, Pairing.PAIRED, 3);
        io.suffice.api.data.Batch g = grouped.sample(2, new SplittableRandom(9));
        JghmSamples dg = new JghmSampler(MODEL).candidates(2, 3, new SplittableRandom(9));
        assertThat(g.get("text").shape().dims()).containsExactly(2, 3, lt);
        assertThat(g.get("text").toDoubleArray()).containsExactly(Arrays.stream(dg.text()).asDoubleStream().toArray());
    }

    @Test
    void outOfRangeTokensAreNamedWithTheValidRange() {
        JghmBayesOracle oracle = new JghmBayesOracle(MODEL);
        int lt = MODEL.text().leaves();
        long[] bad = new long[lt];
        bad[2] = 3;
        assertThatThrownBy(() -> oracle.rootPosterior(Modality.TEXT, HostTensor.of(bad, 1, lt)))
                .hasMessageContaining("flat index 2 = 3 is outside 0..2");
    }
}
