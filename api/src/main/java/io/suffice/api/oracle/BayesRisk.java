package io.suffice.api.oracle;

import io.suffice.api.data.Batch;

import java.util.List;
import java.util.Map;

/**
 * One task's Bayes (optimal) risk, computed by the task's own code from the {@link BayesOracle}'s primitives, beside
 * its no-conditioning value. A task plugin registers its implementation in
 * {@code META-INF/services/io.suffice.api.oracle.BayesRisk}; {@code suffice jghm bayes} tabulates every one on the
 * class path, so adding a task adds its columns without editing api or the data plugin. Implementations are
 * stateless and thread-safe, with a public no-argument constructor.
 */
public interface BayesRisk {

    /** The column names of {@link #estimate}, in table order, e.g. {@code clip_risk, clip_risk_nocond}. */
    List<String> columns();

    /**
     * Estimates the risk on shared draws of the data model.
     *
     * @param oracle the Bayes answers (possibly mis-specified: then the risk of that predictor on the true data)
     * @param groups draws from {@link BayesOracle#sample}: K-candidate groups, fields {@code image} int64
     *               {@code [n, K, Li]}, {@code text} int64 {@code [n, K, Lt]}, {@code image_noisy} float32
     *               {@code [n, K, Li]}; candidate 0 of a group is a pair, the others are pairs independent of it
     * @return one estimate per {@link #columns() column}, keyed by column, over the {@code n} groups
     */
    Map<String, Estimate> estimate(BayesOracle oracle, Batch groups);
}
