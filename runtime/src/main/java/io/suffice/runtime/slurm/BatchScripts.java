package io.suffice.runtime.slurm;

import io.suffice.runtime.config.RunSettings;
import io.suffice.runtime.config.SlurmSettings;

import java.nio.file.Path;
import java.util.List;

/**
 * The two batch scripts of a sweep on Slurm, kept in the run folder's {@code slurm/} for inspection: the arms'
 * script (one array task per arm, each running {@code suffice run CONFIG --arm $SLURM_ARRAY_TASK_ID}) and the
 * collect script ({@code suffice sweep collect RUN_FOLDER}, submitted to start after the array).
 *
 * @param runFolder the run folder (absolute; on a file system every node sees)
 * @param workDir   the folder the scripts run in ({@code --chdir}): where {@code suffice run} was started, so the
 *                  config's relative paths ({@code run.plugins}, data files) mean the same on the nodes
 * @param launcher  the command that starts suffice (absolute paths)
 * @param name      the run name (job name {@code suffice-<name>})
 * @param arms      the number of arms
 * @param slurm     the sbatch options
 */
public record BatchScripts(Path runFolder, Path workDir, List<String> launcher, String name, int arms,
                           SlurmSettings slurm) {
    /** Seconds before the time limit at which Slurm sends SIGTERM, so that the arm checkpoints in time. */
    public static final int SIGNAL_LEAD_SECONDS = 120;

    public BatchScripts {
        launcher = List.copyOf(launcher);
    }

    /** The scripts of {@code run} for {@code arms} arms. */
    public static BatchScripts of(Path runFolder, Path workDir, List<String> launcher, RunSettings run, int arms) {
        return new BatchScripts(runFolder.toAbsolutePath().normalize(), workDir.toAbsolutePath().normalize(),
                launcher, run.name(), arms, run.slurm());
    }

    /** The {@code --array} value: every arm, with the {@code %N} limit of {@code array-parallelism}. */
    public String array() {
        return array(arms == 1 ? "0" : "0-" + (arms - 1));
    }

    /** {@code indices} (e.g. {@code 3,5}) with the {@code %N} limit of {@code array-parallelism}. */
    public String array(String indices) {
        return indices + (slurm.arrayParallelism() > 0 ? "%" + slurm.arrayParallelism() : "");
    }

    /** The arms' batch script. */
    public String armsScript() {
        StringBuilder sb = new StringBuilder("#!/bin/bash\n");
        sb.append("# Written by suffice for the run folder ").append(runFolder).append(":\n");
        sb.append("# one array task per arm (the arm list is arms.json); `suffice sweep resubmit` submits this file\n");
        sb.append("# again with --array naming the arms to run.\n");
        sb.append("#SBATCH --job-name=suffice-").append(name).append('\n');
        sb.append("#SBATCH --array=").append(array()).append('\n');
        resources(sb);
        sb.append("#SBATCH --requeue\n");
        sb.append("#SBATCH --signal=B:TERM@").append(SIGNAL_LEAD_SECONDS).append('\n');
        sb.append("#SBATCH --open-mode=append\n");
        sb.append("#SBATCH --output=").append(runFolder.resolve("slurm/logs/arm-%a.out")).append('\n');
        slurm.extra().forEach(o -> sb.append("#SBATCH ").append(o).append('\n'));
        sb.append('\n');
        setup(sb);
        sb.append("""
                # The JVM sees the CPUs Slurm granted, not the node's; ONNX Runtime uses as many threads.
                export SUFFICE_JAVA_OPTS="${SUFFICE_JAVA_OPTS:-} -XX:ActiveProcessorCount=${SLURM_CPUS_PER_TASK:-1}"
                # The arm runs in its own session, and this shell passes SIGTERM on (--signal=B: signals the batch
                # shell only): exactly one SIGTERM reaches the arm, which then checkpoints and exits with 143.
                """);
        sb.append("setsid ").append(launcherWords()).append(" run ").append(quote(runFolder.resolve("config.yaml")
                .toString())).append(" --arm \"$SLURM_ARRAY_TASK_ID\" &\n");
        sb.append("""
                arm=$!
                trap 'kill -TERM "$arm" 2>/dev/null' TERM
                wait "$arm"; status=$?
                if kill -0 "$arm" 2>/dev/null || [ "$status" -gt 128 ]; then wait "$arm"; status=$?; fi
                # 143: the arm checkpointed on SIGTERM (preemption, or the time limit drawing near). Unless the job
                # is being cancelled, put it back in the queue; the requeued arm resumes from its checkpoint. A job
                # that is only signalled still shows RUNNING (SIGNALING while a stop or continue signal is in
                # flight); a cancelled one shows COMPLETING or CANCELLED. The requeue is complete when scontrol
                # returns (slurmctld makes the job PENDING before it answers, and ignores this script's exit after
                # that), so the script need not wait; Slurm holds the job about two minutes before restarting it.
                # (An array's job id names every task of it: select this task's own record, requeue only this task.)
                task="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
                own="$(scontrol -o show job "$SLURM_JOB_ID" | grep "^JobId=$SLURM_JOB_ID ")"
                if [ "$status" -eq 143 ]; then
                  state="$(echo "$own" | grep -o 'JobState=[A-Z_]*')"
                  echo "arm exited on SIGTERM; ${state:-JobState unknown}"
                  if [[ "$state" == "JobState=RUNNING" || "$state" == "JobState=SIGNALING" ]]; then
                    scontrol requeue "$task" && exit 0
                  fi
                fi
                exit "$status"
                """);
        return sb.toString();
    }

    /** The collect job's batch script. */
    public String collectScript() {
        StringBuilder sb = new StringBuilder("#!/bin/bash\n");
        sb.append("# Written by suffice for the run folder ").append(runFolder).append(":\n");
        sb.append("# collects the arms into sweep.csv and the sweep figures once the array has ended.\n");
        sb.append("#SBATCH --job-name=suffice-").append(name).append("-collect\n");
        for (String option : List.of("partition", "account", "qos")) {
            String v = switch (option) {
                case "partition" -> slurm.partition();
                case "account" -> slurm.account();
                default -> slurm.qos();
            };
            if (!v.isEmpty()) {
                sb.append("#SBATCH --").append(option).append('=').append(v).append('\n');
            }
        }
        sb.append("#SBATCH --cpus-per-task=1\n");
        sb.append("#SBATCH --chdir=").append(workDir).append('\n');
        sb.append("#SBATCH --open-mode=append\n");
        sb.append("#SBATCH --output=").append(runFolder.resolve("slurm/logs/collect.out")).append('\n');
        sb.append('\n');
        setup(sb);
        sb.append("export SUFFICE_JAVA_OPTS=\"${SUFFICE_JAVA_OPTS:-} -XX:ActiveProcessorCount=1\"\n");
        sb.append("exec ").append(launcherWords()).append(" sweep collect ").append(quote(runFolder.toString()))
                .append('\n');
        return sb.toString();
    }

    private void resources(StringBuilder sb) {
        if (!slurm.partition().isEmpty()) {
            sb.append("#SBATCH --partition=").append(slurm.partition()).append('\n');
        }
        if (!slurm.time().isEmpty()) {
            sb.append("#SBATCH --time=").append(slurm.time()).append('\n');
        }
        sb.append("#SBATCH --cpus-per-task=").append(slurm.cpusPerTask()).append('\n');
        if (!slurm.mem().isEmpty()) {
            sb.append("#SBATCH --mem=").append(slurm.mem()).append('\n');
        }
        if (!slurm.gres().isEmpty()) {
            sb.append("#SBATCH --gres=").append(slurm.gres()).append('\n');
        }
        if (!slurm.account().isEmpty()) {
            sb.append("#SBATCH --account=").append(slurm.account()).append('\n');
        }
        if (!slurm.qos().isEmpty()) {
            sb.append("#SBATCH --qos=").append(slurm.qos()).append('\n');
        }
        sb.append("#SBATCH --chdir=").append(workDir).append('\n');
    }

    private void setup(StringBuilder sb) {
        if (!slurm.setup().isEmpty()) {
            sb.append("# run.slurm.setup\n");
            slurm.setup().forEach(l -> sb.append(l).append('\n'));
            sb.append('\n');
        }
    }

    private String launcherWords() {
        return String.join(" ", launcher.stream().map(BatchScripts::quote).toList());
    }

    /** {@code s} as one single-quoted shell word. */
    static String quote(String s) {
        return s.matches("[A-Za-z0-9_./=:@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
