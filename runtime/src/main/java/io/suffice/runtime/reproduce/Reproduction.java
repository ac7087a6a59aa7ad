package io.suffice.runtime.reproduce;

import java.nio.file.Path;
import java.util.List;

/**
 * One figure of a paper that {@code suffice reproduce} runs: the claim it tests, the experiments that test it
 * ({@link Part}s, ordinary experiment configs launched through the normal machinery, so {@code --set} applies), and
 * the rule that turns their results into {@link Verdict}s. Each figure is one small class; the rule is in its
 * {@link #judge} and its Javadoc, and docs/REPRODUCTION.md repeats it.
 */
public interface Reproduction {

    /** The figure id ({@code ls-fig2}, {@code clip-fig2a}). */
    String id();

    /** The claim tested, in one sentence. */
    String claim();

    /** Which paper and figure, and what our version changes (sizes, data). */
    String source();

    /** Estimated wall minutes on 2 free CPU cores ({@link Scale#LAPTOP}) or one GPU ({@link Scale#PAPER}). */
    double estimatedMinutes(Scale scale);

    /** The experiments, in launch order (a later part may use an earlier one's folder). */
    List<Part> parts(Scale scale);

    /**
     * The verdicts from the finished parts; draws the figure's own panels into {@code dir} (PNG files) on the way.
     * A part that failed or was not run makes the affected claims {@code inconclusive}, saying why.
     */
    List<Verdict> judge(Results results, Path dir);
}
