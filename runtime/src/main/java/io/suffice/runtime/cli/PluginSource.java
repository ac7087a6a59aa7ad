package io.suffice.runtime.cli;

import io.suffice.runtime.plugin.PluginRegistry;

import java.nio.file.Path;

/** Where a subcommand gets the discovered plugins from (the CLI root, which discovered them at start-up). */
public interface PluginSource {

    /** The plugins of folder {@code dir} (null: the command line's {@code --plugins-dir}, else {@code ./plugins}). */
    PluginRegistry registry(Path dir);
}
