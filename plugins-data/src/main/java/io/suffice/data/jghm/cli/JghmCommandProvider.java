package io.suffice.data.jghm.cli;

import io.suffice.api.plugin.CommandProvider;

/** Contributes {@code suffice jghm} ({@link JghmCommand}) to the CLI. Stateless. */
public final class JghmCommandProvider implements CommandProvider {
    @Override
    public String name() {
        return "jghm";
    }

    @Override
    public Object command() {
        return new JghmCommand();
    }
}
