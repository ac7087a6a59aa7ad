package io.suffice.distribution;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sweeps on a real single-node Slurm cluster ({@code tools/slurm/testcluster.sh}, Debian packages slurm-wlm and
 * munge): the job array's sweep.csv equals the local run's arm by arm; an arm killed by scancel is resubmitted alone
 * and resumes from its checkpoint; a preempted clip arm is requeued and resumes bit-exactly; bad input is one line
 * quoting the scheduler. Skipped (failed on CI) where the packages are not installed.
 */
class SlurmSweepIT {
    private static final String XOR = "experiments/large-stepsize-xor.yaml";
    private static final String CLIP = "experiments/clip-jghm.yaml";
    private static final Set<String> BUSY = Set.of("PENDING", "RUNNING", "COMPLETING", "CONFIGURING", "REQUEUED",
            "REQUEUE_HOLD", "REQUEUE_FED", "SIGNALING", "STAGE_OUT", "SUSPENDED", "RESIZING");

    @TempDir
    static Path cluster;
    private static Map<String, String> env;

    @TempDir
    Path cwd;

    record Result(int status, String out, String err) {
    }

    @BeforeAll
    static void startCluster() throws Exception {
        boolean installed = Stream.of("slurmctld", "slurmd", "munged", "mungekey", "sbatch", "squeue", "scontrol")
                .allMatch(t -> Stream.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")
                        .anyMatch(d -> Files.isExecutable(Path.of(d, t))));
        CiRequirement.require(installed, "Slurm (Debian packages slurm-wlm and munge)");
        env = new HashMap<>(System.getenv());
        env.put("SLURM_CONF", cluster.resolve("slurm.conf").toString());
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            env.put("SLURM_TEST_CTLD_PORT", String.valueOf(a.getLocalPort()));
            env.put("SLURM_TEST_SLURMD_PORT", String.valueOf(b.getLocalPort()));
        }
        env.put("SLURM_TEST_CPUS", "2");
        // Every arm is a JVM of a few seconds: the client compiler and one GC thread halve its CPU time on 2 cores
        // (the results do not depend on the JIT: Java's floating point is strict, the training runs in ONNX Runtime)
        env.put("SUFFICE_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        Result r = exec(cluster, env, 90, "bash", System.getProperty("slurm.testcluster"), "start",
                cluster.toString());
        assertThat(r.status()).as("testcluster start: " + r.out() + r.err()).isZero();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (env != null) {
            Result r = exec(cluster, env, 90, "bash", System.getProperty("slurm.testcluster"), "stop",
                    cluster.toString());
            assertThat(r.status()).as("testcluster stop: " + r.out() + r.err()).isZero();
        }
    }

    @Test
    void theJobArraysSweepCsvEqualsTheLocalRunArmByArm() throws Exception {
        String[] sweep = {"--set", "sweep.optimizer.stepsize=[1, 10, 100, 1000, 3000, 10000, 30000, 100000]",
                "--set", "task.steps=200", "--set", "run.checkpoint-every=100"};
        Result slurm = suffice(env, concat(new String[]{"run", home(XOR)}, sweep,
                new String[]{"--set", "run.executor=slurm", "--output", "slurm", "--wait"}));
        assertThat(slurm.status()).as(slurm.out() + slurm.err()).isZero();
        Path folder = runFolder(slurm);
        assertThat(slurm.out().lines().filter(l -> l.matches("\\d{3}-optimizer\\.stepsize=\\S+\\s+done\\s.*")))
                .as(slurm.out()).hasSize(8);
        String script = Files.readString(folder.resolve("slurm/arms.sbatch"));
        assertThat(script).contains("#SBATCH --array=0-7\n", "#SBATCH --requeue\n", "#SBATCH --signal=B:TERM@120\n",
                "#SBATCH --cpus-per-task=1\n", " --arm \"$SLURM_ARRAY_TASK_ID\"");

        Result local = suffice(env, concat(new String[]{"run", home(XOR)}, sweep, new String[]{"--output", "local"}));
        assertThat(local.status()).as(local.err()).isZero();
        Path localFolder = runFolder(local);
        List<String> rows = Files.readAllLines(folder.resolve("sweep.csv"));
        assertThat(rows).hasSize(9);
        assertThat(rows).containsExactlyElementsOf(Files.readAllLines(localFolder.resolve("sweep.csv")));
        // the same files as a local sweep; the Slurm run adds only its arm list and its slurm/ folder
        Set<String> top = names(folder);
        top.removeAll(Set.of("arms.json", "slurm"));
        assertThat(top).isEqualTo(names(localFolder));
        try (Stream<Path> arms = Files.list(localFolder).filter(Files::isDirectory)) {
            for (Path arm : arms.toList()) {
                assertThat(names(folder.resolve(arm.getFileName()))).as(arm.getFileName().toString())
                        .isEqualTo(names(arm));
            }
        }
    }

    @Test
    void anArmKilledByScancelIsResubmittedAloneAndResumesFromItsCheckpoint() throws Exception {
        Result r = suffice(env, "run", home(XOR), "--set", "sweep.optimizer.stepsize=[100, 1000]",
                "--set", "task.steps=2000", "--set", "task.log-every=50", "--set", "run.checkpoint-every=200",
                "--set", "run.executor=slurm", "--output", "runs");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        Path folder = runFolder(r);
        String job = job(r, "arms");
        String collect = job(r, "collect");
        Path arm1 = folder.resolve("001-optimizer.stepsize=1000");
        await(() -> Files.exists(arm1.resolve("checkpoint.safetensors")), "arm 1's first checkpoint");
        assertThat(exec(cwd, env, 30, "scancel", job + "_1").status()).isZero();
        await(() -> ended(job + "_0") && ended(job + "_1") && ended(collect),
                "the arms and the collect job ending");

        Result status = suffice(env, "sweep", "status", folder.toString());
        assertThat(status.status()).as(status.err()).isZero();
        assertThat(line(status.out(), "000-")).contains(" done ");
        assertThat(line(status.out(), "001-")).containsPattern(" (interrupted|failed) ");

        Result again = suffice(env, "sweep", "resubmit", folder.toString(), "--wait");
        assertThat(again.status()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("(1 array task(s)");
        String last = Files.readString(folder.resolve("slurm/submissions.json"));
        assertThat(last.replaceAll("\\s", "")).contains("\"kind\":\"arms\",\"job\":\"" + job(again, "arms")
                + "\",\"arms\":[1]");
        assertThat(count(folder.resolve("000-optimizer.stepsize=100/run.log"), "running task")).isEqualTo(1);
        String log = Files.readString(arm1.resolve("run.log"));
        assertThat(count(arm1.resolve("run.log"), "running task")).isEqualTo(2);
        Matcher m = Pattern.compile("resumed from \\S+ at step (\\d+) of 2000").matcher(log);
        assertThat(m.find()).as(log).isTrue();
        assertThat(Long.parseLong(m.group(1))).isBetween(200L, 1999L);
        List<Long> steps = Files.readAllLines(arm1.resolve("metrics.csv")).stream().skip(1)
                .map(l -> Long.parseLong(l.substring(0, l.indexOf(',')))).toList();
        assertThat(steps).hasSize(2000 / 50 + 1).isSorted().doesNotHaveDuplicates().startsWith(0L).endsWith(2000L);
        assertThat(Files.readAllLines(folder.resolve("sweep.csv"))).hasSize(3)
                .allMatch(l -> l.startsWith("arm,") || l.contains(",ok,"));
    }

    /**
     * Preemption: the arm checkpoints on SIGTERM and its batch script requeues its own array task, which then resumes
     * from the checkpoint and ends equal to a straight run. Slurm holds a requeued job for two minutes (BeginTime);
     * the test releases it early, but only to the second after the requeue: a relaunch in the same wall-clock second
     * as the requeue is refused by slurmd ("Job credential revoked", the revocation and the new credential carry
     * one-second time stamps) and the task ends FAILED, which is why Slurm holds it in the first place.
     */
    @Test
    void aPreemptedClipArmIsRequeuedByItsScriptAndResumesBitExactly() throws Exception {
        String[] clip = {"--set", "task.steps=60", "--set", "task.log-every=5", "--set", "run.checkpoint-every=5",
                "--set", "task.eval-groups=100", "--set", "task.bayes-samples=100", "--set", "task.zero-shot-images=50",
                "--set", "task.prompts=[1, 4]", "--set", "task.probe-train=100", "--set", "task.probe-test=50"};
        Result r = suffice(env, concat(new String[]{"run", home(CLIP)}, clip, new String[]{"--set",
                "run.executor=slurm", "--set", "run.slurm.cpus-per-task=2", "--output", "runs"}));
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        Path folder = runFolder(r);
        String job = job(r, "arms");
        String task = job + "_0";
        await(() -> Files.exists(folder.resolve("checkpoint.safetensors")), "the clip arm's first checkpoint");
        // preemption: SIGTERM to the batch shell, which passes it to the arm; the arm checkpoints, the job requeues
        assertThat(exec(cwd, env, 30, "scancel", "--batch", "--signal=TERM", task).status()).isZero();
        await(() -> "PENDING".equals(state(task)) || ended(task), "the arm back in the queue, or ended");
        assertThat(state(task)).as(() -> "the preempted arm requeued by its script\n" + diagnosis(folder, job))
                .isEqualTo("PENDING");
        // Requeued (PENDING) means slurmctld has already revoked the old allocation's credential, at a time stamp no
        // later than now: starting from now+1 the relaunch gets a strictly later credential.
        assertThat(exec(cwd, env, 30, "scontrol", "update", "JobId=" + task, "StartTime=now+1").status()).isZero();
        await(() -> ended(task) && ended(job(r, "collect")), "the arm and the collect job ending");
        assertThat(state(task)).as(() -> diagnosis(folder, job)).isEqualTo("COMPLETED");
        assertThat(scontrolField(task, "Restarts")).as(() -> diagnosis(folder, job)).isEqualTo("1");
        assertThat(Files.readString(folder.resolve("slurm/logs/arm-0.out")))
                .contains("arm exited on SIGTERM; JobState=RUNNING");

        String log = Files.readString(folder.resolve("run.log"));
        Matcher m = Pattern.compile("resumed from \\S+ at step (\\d+) of 60").matcher(log);
        assertThat(m.find()).as(() -> log + "\n" + diagnosis(folder, job)).isTrue();
        assertThat(Long.parseLong(m.group(1))).isBetween(5L, 59L);
        assertThat(Files.readString(folder.resolve("summary.json"))).contains("\"status\" : \"ok\"");
        Result local = suffice(env, concat(new String[]{"run", home(CLIP)}, clip, new String[]{"--output", "local"}));
        assertThat(local.status()).as(local.err()).isZero();
        List<String> straight = trajectory(runFolder(local).resolve("metrics.csv"));
        assertThat(straight).hasSize(60 / 5 + 1);
        assertThat(trajectory(folder.resolve("metrics.csv"))).containsExactlyElementsOf(straight);
    }

    @Test
    void badInputIsOneLineQuotingTheSchedulerAndLeavesNoHalfSubmittedFolder() throws Exception {
        // no sbatch on PATH: only java and what the launcher script needs
        Path bin = Files.createDirectories(cwd.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        for (String tool : List.of("sh", "dirname")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(which(tool)));
        }
        Map<String, String> noSlurm = new HashMap<>(env);
        noSlurm.put("PATH", bin.toString());
        Result r = suffice(noSlurm, "run", home(XOR), "--set", "run.executor=slurm", "--output", "none");
        assertOneError(r, 2, "error: run.executor = slurm: sbatch not found on PATH");

        r = suffice(env, "run", home(XOR), "--set", "run.executor=slurm", "--set", "run.slurm.partition=nope",
                "--output", "none");
        assertOneError(r, 2, "invalid partition specified: nope");
        r = suffice(env, "run", home(XOR), "--set", "run.executor=slurm", "--set", "run.slurm.mem=100G",
                "--output", "none");
        assertOneError(r, 2, "Requested node configuration is not available");
        r = suffice(env, "run", home(XOR), "--set", "run.executor=slurm", "--set", "run.slurm.time=1:2:3:4",
                "--output", "none");
        assertOneError(r, 2, "error: run.slurm.time = 1:2:3:4: expected minutes, MM:SS");
        assertThat(Files.exists(cwd.resolve("none"))).as("no run folder").isFalse();

        // sbatch accepts the array but refuses the collect job: the folder says what went to the scheduler
        Path wrapper = Files.createDirectories(cwd.resolve("wrapper"));
        Path sbatch = Files.writeString(wrapper.resolve("sbatch"), """
                #!/bin/bash
                for a in "$@"; do
                  case "$a" in --dependency*) echo "sbatch: error: Batch job submission failed: refused here" >&2; \
                exit 1;; esac
                done
                exec sbatch "$@"
                """.replace("exec sbatch", "exec " + which("sbatch")));
        sbatch.toFile().setExecutable(true);
        Map<String, String> refusing = new HashMap<>(env);
        refusing.put("PATH", wrapper + ":" + env.get("PATH"));
        r = suffice(refusing, "run", home(XOR), "--set", "sweep.optimizer.stepsize=[1, 10]", "--set",
                "task.steps=20", "--set", "run.executor=slurm", "--output", "half");
        assertOneError(r, 1, "sbatch refused the collect job: sbatch: error: Batch job submission failed: "
                + "refused here");
        Matcher m = Pattern.compile("were submitted as job (\\d+)").matcher(r.err());
        assertThat(m.find()).isTrue();
        exec(cwd, env, 30, "scancel", m.group(1));
        Path folder;
        try (Stream<Path> s = Files.list(cwd.resolve("half"))) {
            folder = s.findFirst().orElseThrow();
        }
        String submissions = Files.readString(folder.resolve("slurm/submissions.json")).replaceAll("\\s", "");
        assertThat(submissions).contains("\"job\":\"" + m.group(1) + "\",\"arms\":[0,1]")
                .contains("\"refused\":\"sbatch:error:Batchjobsubmissionfailed:refusedhere\"");
    }

    private static void assertOneError(Result r, int status, String expected) {
        assertThat(r.status()).as(r.out() + r.err()).isEqualTo(status);
        List<String> lines = r.err().strip().lines().filter(l -> l.startsWith("error: ") || l.startsWith("failed: "))
                .toList();
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(lines.get(0)).contains(expected);
    }

    private Result suffice(Map<String, String> environment, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Cli.home().resolve("bin/suffice").toString()));
        cmd.addAll(List.of(args));
        return exec(cwd, environment, 240, cmd.toArray(String[]::new));
    }

    private static Result exec(Path dir, Map<String, String> environment, int seconds, String... cmd)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + seconds + " s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The scheduler's state of a job or array task ("" once it is unknown), or null when squeue failed. */
    private String state(String job) {
        try {
            Result r = exec(cwd, env, 30, "squeue", "-h", "--states=all", "-j", job, "-o", "%T");
            return r.status() == 0 ? r.out().strip().lines().findFirst().orElse("") : null;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the scheduler has seen the job or task end (a failed or empty squeue answer says nothing). */
    private boolean ended(String job) {
        String s = state(job);
        return s != null && !s.isEmpty() && !BUSY.contains(s);
    }

    /** The job's record and what its scripts and the daemons logged about it, to tell why an arm did not resume. */
    private String diagnosis(Path folder, String job) {
        StringBuilder out = new StringBuilder();
        try {
            out.append("scheduler: ").append(state(job + "_0")).append('\n');
            out.append(exec(cwd, env, 30, "scontrol", "-o", "show", "job", job).out());
            try (Stream<Path> logs = Files.list(folder.resolve("slurm/logs"))) {
                for (Path p : logs.sorted().toList()) {
                    out.append("== ").append(p.getFileName()).append('\n').append(Files.readString(p));
                }
            }
            Pattern mentions = Pattern.compile("(?i)JobId=" + job + "\\b|job " + job + "\\b|\\[" + job + "\\.");
            for (String daemon : List.of("slurmctld.log", "slurmd.log")) {
                out.append("== ").append(daemon).append('\n');
                Files.readAllLines(cluster.resolve(daemon)).stream().filter(l -> mentions.matcher(l).find())
                        .forEach(l -> out.append(l).append('\n'));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            out.append("(diagnosis incomplete: ").append(e).append(")\n");
        }
        return out.toString();
    }

    /** One field of {@code scontrol show job} for a job or array task ("" when absent). */
    private String scontrolField(String job, String field) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("\\b" + field + "=(\\S*)").matcher(
                exec(cwd, env, 30, "scontrol", "-o", "show", "job", job).out());
        return m.find() ? m.group(1) : "";
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within 3 minutes");
            }
            Thread.sleep(100);
        }
    }

    private static String which(String tool) {
        for (String dir : env.get("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool).toString();
            }
        }
        throw new AssertionError(tool + " not on PATH");
    }

    private static String home(String config) {
        return Cli.home().resolve(config).toString();
    }

    private Path runFolder(Result r) {
        Matcher m = Pattern.compile("run folder: (\\S+)").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return cwd.resolve(m.group(1));
    }

    private static String job(Result r, String kind) {
        Matcher m = Pattern.compile(kind + ": job (\\d+)").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return m.group(1);
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(
                () -> new AssertionError("no line starting with " + prefix + " in\n" + out)) + " ";
    }

    private static long count(Path file, String text) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> l.contains(text)).count();
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".txt")).toList());
        }
    }

    private static String[] concat(String[]... parts) {
        return Stream.of(parts).flatMap(Stream::of).toArray(String[]::new);
    }

    /** The rows of metrics.csv without the wall-clock column. */
    private static List<String> trajectory(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        int rate = List.of(lines.get(0).split(",")).indexOf("steps_per_s");
        List<String> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
            if (rate >= 0) {
                cells.remove(rate);
            }
            out.add(String.join(",", cells));
        }
        return out;
    }
}
