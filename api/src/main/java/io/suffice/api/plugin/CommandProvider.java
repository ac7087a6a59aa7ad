package io.suffice.api.plugin;

/**
 * Service interface for CLI subcommands contributed by plugins, e.g. {@code suffice jghm ...}. The runtime adds
 * {@link #command()} to its command line under {@link #name()}. The returned object must be annotated with picocli's
 * {@code @Command}; the api module does not depend on picocli, so the type is {@code Object}.
 * The command should return (or exit with) 0 on success, 2 on a usage error, 1 on a run failure.
 */
public interface CommandProvider {

    /** Subcommand name, unique among all commands. */
    String name();

    /** A fresh command object (picocli instantiates one per invocation). */
    Object command();
}
