package io.suffice.runtime.config;

import io.suffice.runtime.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands a config with sweep axes into its arms: the cartesian product of the axes' values, first axis slowest.
 * Every arm is resolved (validated) before anything runs, so a bad value fails the whole sweep up front.
 */
public final class SweepExpansion {
    private SweepExpansion() {
    }

    /**
     * One arm of a sweep.
     *
     * @param index  position in the grid, from 0
     * @param values swept key to the value this arm uses
     * @param config the arm's resolved config, without a sweep section
     */
    public record Arm(int index, Map<String, Object> values, ExperimentConfig config) {
        /** A folder-safe label such as {@code 003-optimizer.stepsize=10}. */
        public String label() {
            StringBuilder sb = new StringBuilder(String.format("%03d", index));
            values.forEach((k, v) -> sb.append('-').append(k).append('=').append(v));
            return sb.toString().replaceAll("[^A-Za-z0-9._=-]", "_");
        }
    }

    /**
     * Most arms one sweep may expand to. A grid is the product of its axes, so a few long lists (or a typo such as
     * {@code [1, 2, ..., 1000]} on three axes) would otherwise exhaust memory before anything runs.
     */
    public static final long MAX_ARMS = 10_000;

    public static List<Arm> expand(ExperimentConfig config, ConfigResolver resolver) {
        long size = 1;
        List<String> sizes = new ArrayList<>();
        for (SweepAxis axis : config.sweep()) {
            sizes.add(Integer.toString(axis.values().size()));
            size = Math.min(Math.multiplyExact(size, Math.max(axis.values().size(), 1)), MAX_ARMS + 1);
        }
        if (size > MAX_ARMS) {
            throw new ConfigException("sweep: " + String.join(" x ", sizes) + " values make more than " + MAX_ARMS
                    + " arms; split the sweep into several configs");
        }
        List<Map<String, Object>> grid = new ArrayList<>();
        grid.add(new LinkedHashMap<>());
        for (SweepAxis axis : config.sweep()) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> partial : grid) {
                for (Object v : axis.values()) {
                    Map<String, Object> m = new LinkedHashMap<>(partial);
                    m.put(axis.key(), v);
                    next.add(m);
                }
            }
            grid = next;
        }
        ConfigTree base = config.tree();
        Map<String, Object> withoutSweep = base.asMap();
        withoutSweep.remove("sweep");
        ConfigTree plain = ConfigTree.empty();
        for (Map.Entry<String, Object> e : withoutSweep.entrySet()) {
            plain = plain.with(e.getKey(), e.getValue());
        }
        List<Arm> arms = new ArrayList<>();
        for (Map<String, Object> values : grid) {
            ConfigTree t = plain;
            for (Map.Entry<String, Object> e : values.entrySet()) {
                if (t.get(e.getKey().substring(0, e.getKey().indexOf('.') < 0 ? e.getKey().length()
                        : e.getKey().indexOf('.'))) == null) {
                    throw new ConfigException("sweep." + e.getKey() + ": the config has no section "
                            + e.getKey().split("\\.")[0]);
                }
                t = t.with(e.getKey(), e.getValue());
            }
            arms.add(new Arm(arms.size(), values, resolver.resolve(t, config.run().name())));
        }
        return arms;
    }
}
