package io.suffice.runtime.cli;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** Options shared by {@code run} and {@code demo}. */
final class ExperimentOptions {
    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a config key, e.g. --set optimizer.stepsize=8 (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--output", paramLabel = "DIR", description = "folder for run folders (default: run.output)")
    String output;
}
