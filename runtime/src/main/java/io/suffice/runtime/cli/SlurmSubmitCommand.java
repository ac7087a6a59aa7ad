package io.suffice.runtime.cli;

import com.google.inject.Injector;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.config.SweepExpansion;
import io.suffice.runtime.config.SweepExpansion.Arm;
import io.suffice.runtime.run.ExperimentLauncher;
import io.suffice.runtime.run.SweepCollection;
import io.suffice.runtime.run.SweepCollection.ArmState;
import io.suffice.runtime.slurm.SlurmCommands;
import io.suffice.runtime.slurm.SlurmSweep;
import io.suffice.runtime.slurm.SlurmSweep.Submission;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code suffice run CONFIG} with {@code run.executor: slurm}: submit the sweep, print the jobs, optionally wait. */
final class SlurmSubmitCommand {
    private final PrintWriter out;
    private final PrintWriter err;

    SlurmSubmitCommand(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    int submit(Injector injector, ExperimentConfig config, boolean wait) {
        ConfigResolver resolver = injector.getInstance(ConfigResolver.class);
        List<Arm> arms = SweepExpansion.expand(config, resolver);
        Path workDir = Path.of("").toAbsolutePath();
        List<String> launcher = launcher();
        SlurmSweep sweep = new SlurmSweep(new SlurmCommands(System.getenv()));
        sweep.check(config, arms.size(), workDir, launcher);
        Path folder = injector.getInstance(ExperimentLauncher.class).createRunFolder(config).toAbsolutePath();
        Submission s = sweep.submit(folder, config, arms, workDir, launcher);
        out.println("run folder: " + folder);
        printSubmission(s, out);
        out.println("watch: suffice sweep status " + folder);
        out.flush();
        return wait ? awaitAndReport(sweep, s, config, resolver, out, err) : 0;
    }

    static void printSubmission(Submission s, PrintWriter out) {
        out.println("arms: job " + s.armsJob() + " (" + s.arms().size() + " array task(s), one per arm: "
                + s.runFolder().resolve("slurm/arms.sbatch") + ")");
        out.println("collect: job " + s.collectJob() + " (starts when the arms have ended)");
    }

    /** Waits for the collect job, prints every arm's state and returns 0 only if every arm is done. */
    static int awaitAndReport(SlurmSweep sweep, Submission s, ExperimentConfig config, ConfigResolver resolver,
                              PrintWriter out, PrintWriter err) {
        sweep.waitFor(s.collectJob());
        List<ArmState> arms = SweepCollection.read(s.runFolder(), config, resolver);
        sweep.statusLines(s.runFolder(), arms).forEach(out::println);
        Map<Integer, String> queue = sweep.schedulerStates(s.runFolder());
        List<String> failed = new ArrayList<>();
        for (ArmState a : arms) {
            if (!SlurmSweep.status(a, queue.get(a.index())).equals("done")) {
                failed.add((a.label().isEmpty() ? "arm " + a.index() : a.label()) + " ("
                        + SlurmSweep.status(a, queue.get(a.index())) + ")");
            }
        }
        out.flush();
        if (!failed.isEmpty()) {
            err.println("failed: " + failed.size() + " of " + arms.size() + " arm(s) did not finish: "
                    + String.join(", ", failed) + "; see suffice sweep status " + s.runFolder());
            return 1;
        }
        return 0;
    }

    /**
     * How a batch script starts suffice: the launcher script of this installation ({@code suffice.home}, set by
     * {@code bin/suffice}), else this JVM with its class path.
     */
    static List<String> launcher() {
        String home = System.getProperty("suffice.home");
        if (home != null && !home.isBlank()) {
            return List.of(Path.of(home, "bin", "suffice").toAbsolutePath().normalize().toString());
        }
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return List.of(java, "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                SufficeCli.class.getName());
    }
}
