package io.suffice.api.plugin;

import java.util.Arrays;
import java.util.Locale;

/**
 * The kinds of plugin the runtime discovers. Each kind has one service interface; a plugin's name is unique within
 * its kind, so {@code (kind, name)} identifies a plugin.
 */
public enum PluginKind {
    ENCODER("encoder", EncoderProvider.class),
    OPTIMIZER("optimizer", OptimizerProvider.class),
    DOWNSTREAM("downstream", DownstreamTaskProvider.class),
    DATASET("dataset", DatasetProvider.class);

    private final String label;
    private final Class<? extends PluginProvider<?>> service;

    PluginKind(String label, Class<? extends PluginProvider<?>> service) {
        this.label = label;
        this.service = service;
    }

    /** Lower-case name used in configs and CLI output, e.g. {@code optimizer}. */
    public String label() {
        return label;
    }

    /** The {@link java.util.ServiceLoader} service interface of this kind. */
    public Class<? extends PluginProvider<?>> service() {
        return service;
    }

    /** Parses a label such as {@code "optimizer"}; the message lists the valid labels otherwise. */
    public static PluginKind fromLabel(String label) {
        for (PluginKind k : values()) {
            if (k.label.equals(label.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown plugin kind '" + label + "'; choices: "
                + Arrays.stream(values()).map(PluginKind::label).toList());
    }
}
