package io.suffice.runtime.slurm;

import io.suffice.runtime.config.RunSettings;
import io.suffice.runtime.config.SlurmSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated batch scripts: every option in its #SBATCH line, requeue and signal, the arm command; and what the
 * arms' script does, run by bash against a stand-in arm and a stand-in {@code scontrol}.
 */
class BatchScriptsTest {
    @TempDir
    Path dir;

    private static RunSettings run(SlurmSettings slurm) {
        return new RunSettings("grid", 1, Path.of("runs"), Path.of("plugins"), 1, "cpu", 0, "", List.of(), "slurm",
                slurm);
    }

    @Test
    void theArmsScriptRunsOneArmPerArrayTaskWithEveryOption() {
        SlurmSettings s = new SlurmSettings("gpu", "02:00:00", 4, "16G", "gpu:1", "lab", "high", 3,
                List.of("--constraint=a100"), List.of("module load java/17"));
        BatchScripts b = BatchScripts.of(Path.of("/shared/runs/grid-1"), Path.of("/shared/work"),
                List.of("/opt/suffice/bin/suffice"), run(s), 20);
        String script = b.armsScript();
        assertThat(script).startsWith("#!/bin/bash\n").contains(
                "#SBATCH --job-name=suffice-grid\n", "#SBATCH --array=0-19%3\n", "#SBATCH --partition=gpu\n",
                "#SBATCH --time=02:00:00\n", "#SBATCH --cpus-per-task=4\n", "#SBATCH --mem=16G\n",
                "#SBATCH --gres=gpu:1\n", "#SBATCH --account=lab\n", "#SBATCH --qos=high\n",
                "#SBATCH --requeue\n", "#SBATCH --signal=B:TERM@120\n", "#SBATCH --chdir=/shared/work\n",
                "#SBATCH --output=/shared/runs/grid-1/slurm/logs/arm-%a.out\n", "#SBATCH --constraint=a100\n",
                "\nmodule load java/17\n",
                "setsid /opt/suffice/bin/suffice run /shared/runs/grid-1/config.yaml --arm \"$SLURM_ARRAY_TASK_ID\" &",
                "-XX:ActiveProcessorCount=${SLURM_CPUS_PER_TASK:-1}",
                "scontrol requeue \"$task\"", "JobState=SIGNALING");
        // sbatch reads options only up to the first command: every #SBATCH line comes before it
        int lastOption = script.lastIndexOf("#SBATCH");
        int firstCommand = script.indexOf("\nmodule load");
        assertThat(lastOption).isLessThan(firstCommand);
        assertThat(b.array("3,5")).isEqualTo("3,5%3");
    }

    @Test
    void unsetOptionsAreLeftToTheClusterAndOneArmIsArrayZero() {
        BatchScripts b = BatchScripts.of(Path.of("/r"), Path.of("/w"), List.of("java", "-cp", "a b.jar", "Main"),
                run(SlurmSettings.defaults()), 1);
        String script = b.armsScript();
        assertThat(script).contains("#SBATCH --array=0\n", "#SBATCH --cpus-per-task=1\n")
                .doesNotContain("--partition", "--time", "--mem", "--gres", "--account", "--qos");
        assertThat(script).contains("setsid java -cp 'a b.jar' Main run /r/config.yaml --arm");
        assertThat(b.collectScript()).contains("#SBATCH --job-name=suffice-grid-collect\n",
                "exec java -cp 'a b.jar' Main sweep collect /r\n").doesNotContain("--array");
    }

    @Test
    void shellWordsAreQuoted() {
        assertThat(BatchScripts.quote("/opt/x/bin/suffice")).isEqualTo("/opt/x/bin/suffice");
        assertThat(BatchScripts.quote("it's here")).isEqualTo("'it'\\''s here'");
    }

    @Test
    void theJobIdIsTheLastLineOfParsableOutput() {
        assertThat(SlurmSweep.jobId("1234\n")).isEqualTo("1234");
        assertThat(SlurmSweep.jobId("warning: x\n77;cluster\n")).isEqualTo("77");
    }

    /** What one run of the arms' script did: its exit status, what it printed, the scontrol calls it made. */
    record ScriptRun(int status, String out, List<String> scontrol) {
    }

    /**
     * Runs the arms' script as array task 10_2 (job id 12) with an arm that exits {@code armExit} and a scontrol that
     * reports {@code state} for this task (and CANCELLED for a sibling task listed first) and answers a requeue with
     * {@code requeueStatus}.
     */
    private ScriptRun runArmsScript(int armExit, String state, int requeueStatus) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("scontrol.calls");
        executable(bin.resolve("scontrol"), """
                #!/bin/bash
                echo "$*" >> '%s'
                if [ "$1" = requeue ]; then exit %d; fi
                echo "JobId=11 ArrayJobId=10 ArrayTaskId=1 JobState=CANCELLED Reason=None"
                echo "JobId=12 ArrayJobId=10 ArrayTaskId=2 JobState=%s Reason=None"
                """.formatted(calls, requeueStatus, state));
        Path arm = executable(dir.resolve("arm"), "#!/bin/bash\nexit " + armExit + "\n");
        Path script = Files.writeString(dir.resolve("arms.sbatch"), BatchScripts.of(dir.resolve("run"), dir,
                List.of(arm.toString()), run(SlurmSettings.defaults()), 3).armsScript());
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("SLURM_JOB_ID", "12");
        pb.environment().put("SLURM_ARRAY_JOB_ID", "10");
        pb.environment().put("SLURM_ARRAY_TASK_ID", "2");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(out).isTrue();
        return new ScriptRun(p.exitValue(), out, Files.exists(calls) ? Files.readAllLines(calls) : List.of());
    }

    private static Path executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        assertThat(file.toFile().setExecutable(true)).isTrue();
        return file;
    }

    @Test
    void anArmStoppedBySigtermOnARunningJobRequeuesItsOwnTaskAndTheScriptSucceeds() throws Exception {
        ScriptRun r = runArmsScript(143, "RUNNING", 0);
        assertThat(r.scontrol()).containsExactly("-o show job 12", "requeue 10_2");
        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out()).contains("arm exited on SIGTERM; JobState=RUNNING");
    }

    @Test
    void aCancelledArmIsNotRequeuedAndAFailedRequeueLeavesTheArmsStatus() throws Exception {
        for (String cancelled : List.of("COMPLETING", "CANCELLED")) {
            ScriptRun r = runArmsScript(143, cancelled, 0);
            assertThat(r.scontrol()).as(cancelled).containsExactly("-o show job 12");
            assertThat(r.status()).as(cancelled).isEqualTo(143);
            Files.delete(dir.resolve("scontrol.calls"));
        }
        // the controller refuses the requeue: the task must end failed (sweep status then shows it interrupted)
        ScriptRun refused = runArmsScript(143, "RUNNING", 1);
        assertThat(refused.scontrol()).containsExactly("-o show job 12", "requeue 10_2");
        assertThat(refused.status()).isEqualTo(143);
    }

    @Test
    void anArmThatEndsOnItsOwnIsNeverRequeued() throws Exception {
        for (int exit : new int[]{0, 1}) {
            ScriptRun r = runArmsScript(exit, "RUNNING", 0);
            assertThat(r.scontrol()).as("exit %d", exit).doesNotContain("requeue 10_2");
            assertThat(r.status()).as("exit %d", exit).isEqualTo(exit);
        }
    }
}
