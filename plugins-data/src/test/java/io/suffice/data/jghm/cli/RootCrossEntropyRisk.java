package io.suffice.data.jghm.cli;

import io.suffice.api.data.Batch;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.BayesRisk;
import io.suffice.api.oracle.Estimate;
import io.suffice.api.oracle.Modality;

import java.util.List;
import java.util.Map;

/**
 * A Bayes risk registered by this module's tests only (the real ones live with their tasks in plugins-downstream): the
 * cross-entropy of the root given the image, {@code -log pi(root | x_im)}, of candidate 0 of each group.
 */
public final class RootCrossEntropyRisk implements BayesRisk {
    @Override
    public List<String> columns() {
        return List.of("root_ce");
    }

    @Override
    public Map<String, Estimate> estimate(BayesOracle oracle, Batch groups) {
        double[][] post = oracle.rootPosterior(Modality.IMAGE, groups.get("image"));
        int n = groups.size();
        int k = post.length / n;
        double[] ce = new double[n];
        for (int g = 0; g < n; g++) {
            int root = (int) groups.get("root").longs().get(g * k);
            ce[g] = -Math.log(post[g * k][root]);
        }
        return Map.of("root_ce", Estimate.of(ce));
    }
}
