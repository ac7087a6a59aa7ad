package io.suffice.runtime.slurm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.suffice.api.io.AtomicFiles;
import io.suffice.runtime.ConfigException;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.config.SweepExpansion.Arm;
import io.suffice.runtime.run.SweepCollection.ArmState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A sweep on Slurm: one job array (one task per arm) and a collect job that starts after it. The run folder keeps
 * what was submitted: {@code arms.json} (the arm list), {@code slurm/arms.sbatch} and {@code slurm/collect.sbatch}
 * (the generated scripts) and {@code slurm/submissions.json} (every submission: job id and arms, or the scheduler's
 * refusal), so a folder always says which arms went to the scheduler.
 */
public final class SlurmSweep {
    /** Arm states the scheduler reports while an arm waits or runs. */
    private static final Set<String> QUEUED = Set.of("PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_HOLD",
            "REQUEUE_FED", "RESV_DEL_HOLD", "SUSPENDED", "RESIZING", "SIGNALING", "STAGE_OUT");
    private static final Set<String> RUNNING = Set.of("RUNNING", "COMPLETING");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final long POLL_MILLIS = 1000;

    private final SlurmCommands slurm;

    public SlurmSweep(SlurmCommands slurm) {
        this.slurm = slurm;
    }

    /** What one submission produced. */
    public record Submission(Path runFolder, String armsJob, List<Integer> arms, String collectJob) {
    }

    /**
     * Checks that the scheduler is there and accepts the job (sbatch {@code --test-only}), before any folder exists:
     * a refusal is a configuration error quoting the scheduler's message.
     */
    public void check(ExperimentConfig config, int arms, Path workDir, List<String> launcher) {
        if (slurm.find("sbatch") == null) {
            throw new ConfigException("run.executor = slurm: sbatch not found on PATH; run where the Slurm client "
                    + "tools are installed (a cluster's login node), or set run.executor=local");
        }
        Path output = config.run().output().toAbsolutePath().normalize();
        if (output.toString().matches(".*\\s.*") || workDir.toAbsolutePath().toString().matches(".*\\s.*")) {
            throw new ConfigException("run.output = " + output + ": a Slurm run folder and the working folder "
                    + "cannot contain spaces (#SBATCH lines do not quote paths)");
        }
        BatchScripts probe = BatchScripts.of(output.resolve(config.run().name()), workDir, launcher, config.run(),
                arms);
        SlurmCommands.Result r = slurm.run(probe.armsScript(), "sbatch", "--test-only");
        if (!r.ok()) {
            throw new ConfigException("run.slurm: sbatch refused the job: " + r.message());
        }
    }

    /**
     * Writes the arm list and the scripts into {@code runFolder} (created, holding config.yaml) and submits the
     * array and the collect job.
     *
     * @throws IllegalStateException when sbatch refuses; the run folder then records what was submitted
     */
    public Submission submit(Path runFolder, ExperimentConfig config, List<Arm> arms, Path workDir,
                             List<String> launcher) {
        Path folder = runFolder.toAbsolutePath().normalize();
        writeArmList(folder, arms);
        BatchScripts scripts = BatchScripts.of(folder, workDir, launcher, config.run(), arms.size());
        try {
            Files.createDirectories(folder.resolve("slurm/logs"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + folder.resolve("slurm/logs"), e);
        }
        AtomicFiles.writeString(folder.resolve("slurm/arms.sbatch"), scripts.armsScript());
        AtomicFiles.writeString(folder.resolve("slurm/collect.sbatch"), scripts.collectScript());
        List<Integer> all = arms.stream().map(Arm::index).toList();
        return submitArms(folder, scripts.array(), all);
    }

    /**
     * Submits again the arms that are missing, failed or interrupted and that the scheduler is not running or
     * holding, plus a new collect job.
     *
     * @return the submission, or null when every arm is done, queued or running
     */
    public Submission resubmit(Path runFolder, ExperimentConfig config, List<ArmState> arms) {
        Path folder = runFolder.toAbsolutePath().normalize();
        Map<Integer, String> queue = schedulerStates(folder);
        List<Integer> chosen = new ArrayList<>();
        for (ArmState a : arms) {
            String state = queue.get(a.index());
            boolean busy = state != null && (QUEUED.contains(state) || RUNNING.contains(state));
            if (!busy && List.of("missing", "failed", "interrupted").contains(a.status())) {
                chosen.add(a.index());
            }
        }
        if (chosen.isEmpty()) {
            return null;
        }
        if (!Files.exists(folder.resolve("slurm/arms.sbatch"))) {
            throw new ConfigException(folder + ": not a Slurm run folder (no slurm/arms.sbatch)");
        }
        BatchScripts scripts = BatchScripts.of(folder, Path.of("."), List.of(), config.run(), arms.size());
        String indices = chosen.stream().map(String::valueOf).collect(Collectors.joining(","));
        return submitArms(folder, scripts.array(indices), chosen);
    }

    private Submission submitArms(Path folder, String array, List<Integer> arms) {
        SlurmCommands.Result r = slurm.run(null, "sbatch", "--parsable", "--array=" + array,
                folder.resolve("slurm/arms.sbatch").toString());
        if (!r.ok()) {
            record(folder, Map.of("kind", "arms", "arms", arms, "refused", r.message()));
            throw new IllegalStateException("sbatch refused the arms " + arms + ": " + r.message()
                    + " (nothing submitted; " + folder.resolve("slurm/submissions.json") + " records it)");
        }
        String job = jobId(r.out());
        record(folder, Map.of("kind", "arms", "job", job, "arms", arms));
        SlurmCommands.Result c = slurm.run(null, "sbatch", "--parsable", "--dependency=afterany:" + job,
                folder.resolve("slurm/collect.sbatch").toString());
        if (!c.ok()) {
            record(folder, Map.of("kind", "collect", "after", job, "refused", c.message()));
            throw new IllegalStateException("the arms " + arms + " were submitted as job " + job + ", but sbatch "
                    + "refused the collect job: " + c.message() + "; run `suffice sweep collect " + folder
                    + "` once they have ended");
        }
        String collect = jobId(c.out());
        record(folder, Map.of("kind", "collect", "job", collect, "after", job));
        return new Submission(folder, job, List.copyOf(arms), collect);
    }

    /** The job id of {@code sbatch --parsable} output ({@code id} or {@code id;cluster}). */
    static String jobId(String out) {
        String line = out.strip().lines().reduce((a, b) -> b).orElse("");
        String id = line.split(";")[0].strip();
        if (!id.matches("\\d+")) {
            throw new IllegalStateException("sbatch printed no job id: '" + out.strip() + "'");
        }
        return id;
    }

    /**
     * The scheduler's state of each arm in its latest submission ({@code PENDING}, {@code RUNNING}, {@code FAILED},
     * ...); arms the scheduler no longer knows (or never knew) are absent. Empty when squeue is not there.
     */
    public Map<Integer, String> schedulerStates(Path runFolder) {
        Map<Integer, String> latestJob = new HashMap<>();
        for (Map<String, Object> s : submissions(runFolder)) {
            if ("arms".equals(s.get("kind")) && s.get("job") != null && s.get("arms") instanceof List<?> l) {
                l.forEach(i -> latestJob.put(((Number) i).intValue(), String.valueOf(s.get("job"))));
            }
        }
        Map<Integer, String> out = new LinkedHashMap<>();
        if (latestJob.isEmpty() || slurm.find("squeue") == null) {
            return out;
        }
        for (String job : Set.copyOf(latestJob.values())) {
            Map<Integer, String> tasks = arrayTasks(job);
            latestJob.forEach((arm, j) -> {
                if (j.equals(job) && tasks.containsKey(arm)) {
                    out.put(arm, tasks.get(arm));
                }
            });
        }
        return out;
    }

    /** Array task id to state for array job {@code job}, from squeue (empty when the scheduler has forgotten it). */
    private Map<Integer, String> arrayTasks(String job) {
        SlurmCommands.Result r = slurm.run(null, "squeue", "-h", "--states=all", "-r", "-j", job, "-o", "%i|%T");
        Map<Integer, String> out = new HashMap<>();
        if (!r.ok()) {
            return out;
        }
        for (String line : r.out().strip().split("\n")) {
            String[] parts = line.strip().split("\\|");
            if (parts.length == 2 && parts[0].matches(job + "_\\d+")) {
                out.put(Integer.parseInt(parts[0].substring(job.length() + 1)), parts[1]);
            }
        }
        return out;
    }

    /**
     * The scheduler's state of one job, or null when it is unknown (finished long ago, or never existed).
     *
     * @throws IllegalStateException when squeue fails (a controller that does not answer), with its message
     */
    public String jobState(String job) {
        SlurmCommands.Result r = slurm.run(null, "squeue", "-h", "--states=all", "-j", job, "-o", "%T");
        if (!r.ok()) {
            if (r.message().contains("Invalid job id")) {
                return null;
            }
            throw new IllegalStateException("squeue -j " + job + " failed: " + r.message());
        }
        return r.out().isBlank() ? null : r.out().strip().lines().findFirst().orElse(null);
    }

    /**
     * Waits until job {@code job} has left the queue (ended, or forgotten by the scheduler). A squeue that fails
     * (a busy controller) is asked again; ten failures in a row end the wait with the last message.
     */
    public void waitFor(String job) {
        int failures = 0;
        try {
            while (true) {
                String state;
                try {
                    state = jobState(job);
                    failures = 0;
                } catch (IllegalStateException e) {
                    if (++failures >= 10) {
                        throw e;
                    }
                    Thread.sleep(POLL_MILLIS);
                    continue;
                }
                if (state == null || !(QUEUED.contains(state) || RUNNING.contains(state))) {
                    return;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for job " + job, e);
        }
    }

    /**
     * One line per arm: its label, its state ({@code pending}, {@code running}, {@code done}, {@code failed},
     * {@code diverged}, {@code interrupted}, or {@code missing} when it never ran) and what the scheduler says.
     */
    public List<String> statusLines(Path runFolder, List<ArmState> arms) {
        Map<Integer, String> queue = schedulerStates(runFolder.toAbsolutePath().normalize());
        int width = arms.stream().mapToInt(a -> display(a).length()).max().orElse(0);
        List<String> lines = new ArrayList<>();
        for (ArmState a : arms) {
            String state = queue.get(a.index());
            String status = status(a, state);
            StringBuilder sb = new StringBuilder(String.format("%-" + width + "s  %-11s", display(a), status));
            if (state != null) {
                sb.append("  slurm ").append(state);
            }
            if (a.error() != null && !status.equals("pending") && !status.equals("running")) {
                sb.append("  ").append(a.error());
            }
            lines.add(sb.toString().stripTrailing());
        }
        return lines;
    }

    /** The arm's state from its summary.json and the scheduler's state of its latest task (or null). */
    public static String status(ArmState arm, String scheduler) {
        if (scheduler != null && QUEUED.contains(scheduler)) {
            return "pending";
        }
        if (scheduler != null && RUNNING.contains(scheduler)) {
            return "running";
        }
        return switch (arm.status()) {
            case "ok" -> "done";
            case "missing" -> scheduler == null ? "missing" : "failed";
            default -> arm.status();
        };
    }

    private static String display(ArmState a) {
        return a.label().isEmpty() ? "arm " + a.index() : a.label();
    }

    private static void writeArmList(Path folder, List<Arm> arms) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Arm a : arms) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", a.index());
            m.put("label", a.label());
            m.put("values", a.values());
            list.add(m);
        }
        AtomicFiles.write(folder.resolve("arms.json"), out -> JSON.writeValue(out, Map.of("arms", list)));
    }

    /** Appends one entry to {@code slurm/submissions.json}, its keys in a fixed order. */
    private static void record(Path folder, Map<String, Object> entry) {
        List<Map<String, Object>> all = new ArrayList<>(submissions(folder));
        Map<String, Object> e = new LinkedHashMap<>();
        for (String key : List.of("kind", "job", "after", "arms", "refused")) {
            if (entry.containsKey(key)) {
                e.put(key, entry.get(key));
            }
        }
        e.put("time", Instant.now().toString());
        all.add(e);
        AtomicFiles.write(folder.resolve("slurm/submissions.json"),
                out -> JSON.writeValue(out, Map.of("submissions", all)));
    }

    /** The recorded submissions, oldest first (empty when there are none). */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> submissions(Path folder) {
        Path file = folder.resolve("slurm/submissions.json");
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            Map<String, Object> m = JSON.readValue(file.toFile(), Map.class);
            return ((List<Map<String, Object>>) m.getOrDefault("submissions", List.of())).stream()
                    .map(Function.identity()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
