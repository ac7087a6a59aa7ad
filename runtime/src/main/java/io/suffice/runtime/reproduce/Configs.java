package io.suffice.runtime.reproduce;

import io.suffice.runtime.config.ConfigTree;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The embedded experiment configs of the reproductions ({@code io/suffice/runtime/reproduce/*.yaml}). */
final class Configs {
    private Configs() {
    }

    /** The config {@code name}.yaml with {@code overrides} set (key to value, dotted keys). */
    static ConfigTree load(String name, Map<String, Object> overrides) {
        String resource = "/io/suffice/runtime/reproduce/" + name + ".yaml";
        try (InputStream in = Configs.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("embedded reproduction config " + resource + " is missing");
            }
            ConfigTree tree = ConfigTree.parse(in, "reproduction config '" + name + "'");
            for (Map.Entry<String, Object> e : overrides.entrySet()) {
                tree = tree.with(e.getKey(), e.getValue());
            }
            return tree;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The config {@code name}.yaml as it is. */
    static ConfigTree load(String name) {
        return load(name, Map.of());
    }
}
