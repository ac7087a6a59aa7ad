package io.suffice.runtime.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicReference;

/**
 * SIGTERM and SIGINT as a request to stop: the training core polls {@link #received()} between steps, writes a
 * checkpoint and stops with a {@link TrainingInterruptedException}. One instance per process, made by the CLI
 * ({@link #install()}) and bound in Guice; in-process launchers (tests, embedding code) use {@link #none()}, which
 * never fires unless {@link #request} is called. A second signal of the same process exits at once with
 * {@code 128 + signal}. Thread-safe.
 */
public final class StopSignal {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);

    /** The signals handled, with their numbers. */
    public enum Received {
        TERM(15), INT(2);

        private final int number;

        Received(int number) {
            this.number = number;
        }

        /** The conventional exit status of a process ended by this signal. */
        public int exitStatus() {
            return 128 + number;
        }
    }

    private final AtomicReference<Received> received = new AtomicReference<>();

    private StopSignal() {
    }

    /** A stop request that only {@link #request} sets. */
    public static StopSignal none() {
        return new StopSignal();
    }

    /** Handles SIGTERM and SIGINT of this process from now on. */
    @SuppressWarnings("restriction")
    public static StopSignal install() {
        StopSignal s = new StopSignal();
        for (Received r : Received.values()) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(r.name()), sig -> s.request(r));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LOG.debug("cannot handle SIG{} here: {}", r.name(), e.getMessage());
            }
        }
        return s;
    }

    /** Asks the running training loop to checkpoint and stop; a second request ends the process at once. */
    public void request(Received r) {
        if (!received.compareAndSet(null, r)) {
            System.err.println("second SIG" + r.name() + ": exiting without waiting for the checkpoint");
            Runtime.getRuntime().halt(r.exitStatus());
        }
        LOG.info("SIG{} received: stopping after the current step", r.name());
    }

    /** The signal received so far, or null. */
    public Received received() {
        return received.get();
    }
}
