package io.suffice.runtime.testplugins;

import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.TaskResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * Test task whose run folder cannot take {@code summary.json} and {@code report.html}, as on a read-only disk, also
 * for root (who ignores permissions): it puts a non-empty directory of each name there, logs a row, then finishes
 * with {@code w = 3} or, with {@code fail: true}, fails.
 */
public final class UnrecordableTaskProvider implements DownstreamTaskProvider {
    @Override
    public String name() {
        return "unrecordable";
    }

    @Override
    public String description() {
        return "test task whose run folder cannot take summary.json";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.ofBoolean("fail", false, "fail after blocking summary.json"));
    }

    @Override
    public DownstreamTask create(PluginConfig config) {
        boolean fail = config.getBoolean("fail");
        return context -> {
            try {
                for (String file : new String[]{"summary.json", "report.html"}) {
                    Files.createDirectories(context.directory().resolve(file).resolve("in-the-way"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            context.metrics().log(0, Map.of("loss", 1.0));
            if (fail) {
                throw new IllegalStateException("cannot write checkpoint " + context.directory()
                        .resolve("checkpoint.safetensors") + ": Read-only file system");
            }
            return new TaskResult(Map.of("w", 3.0));
        };
    }
}
