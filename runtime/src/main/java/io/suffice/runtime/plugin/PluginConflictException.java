package io.suffice.runtime.plugin;

import io.suffice.runtime.ConfigException;

/** Two plugins of one kind share a name; the message names both sources. */
public final class PluginConflictException extends ConfigException {
    public PluginConflictException(String message) {
        super(message);
    }
}
