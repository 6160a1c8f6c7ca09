package dev.wrenn.hostagent.guest.envd;

import dev.wrenn.hostagent.guest.ExecCommand;
import dev.wrenn.hostagent.guest.ExecResult;
import dev.wrenn.hostagent.guest.GuestAgentException;
import dev.wrenn.hostagent.guest.ProcessEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A command run to its end over envd's Start stream, with exec's guarantees on top: a time limit (the
 * process group and its descendants get SIGKILL when it passes; the answer says timed out, exit -1), output
 * kept up to a cap per stream (the rest is read and dropped, the answer says truncated), and 128+N for a
 * process killed by signal N.
 */
public final class EnvdExec {
    /** Per stream: whole-output answers travel in one message; bigger output belongs to a stream. */
    public static final int MAX_CAPTURE = 4 * 1024 * 1024;

    public static final long DEFAULT_TIMEOUT_MS = 60_000;

    /**
     * The guest kills the process this long after the host's limit if the host's own kill never arrived
     * (the host agent died mid-call): no command outlives its limit by much, whoever fails.
     */
    private static final Duration BACKSTOP = Duration.ofSeconds(15);

    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("exec-timer").factory());

    private final EnvdProcesses processes;

    public EnvdExec(EnvdProcesses processes) {
        this.processes = processes;
    }

    public ExecResult run(ExecCommand c) throws IOException, InterruptedException {
        long timeoutMs = c.timeoutMs() > 0 ? c.timeoutMs() : DEFAULT_TIMEOUT_MS;
        long t0 = System.nanoTime();
        var out = new Capture();
        var err = new Capture();
        var killer = new Killer();
        try (var events =
                processes.start(c.spec(false), Duration.ofMillis(timeoutMs).plus(BACKSTOP))) {
            for (ProcessEvent e; (e = events.next()) != null; ) {
                switch (e) {
                    case ProcessEvent.Started s ->
                        killer.arm(TIMERS.schedule(() -> killer.fire(s.pid()), timeoutMs, TimeUnit.MILLISECONDS));
                    case ProcessEvent.Stdout o -> out.add(o.data());
                    case ProcessEvent.Stderr o -> err.add(o.data());
                    case ProcessEvent.Terminal o -> out.add(o.data());
                    case ProcessEvent.Exited x -> {
                        boolean timedOut = killer.disarm();
                        return new ExecResult(
                                out.bytes(),
                                err.bytes(),
                                timedOut ? -1 : x.exitCode(),
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                                timedOut,
                                out.truncated || err.truncated);
                    }
                    case ProcessEvent.Failed f -> throw new GuestAgentException(500, "internal", f.message());
                }
            }
            throw new IOException("the guest ended the process stream without an end event");
        } finally {
            killer.disarm();
        }
    }

    /** The time limit of one command: armed at its start, fired at most once, disarmed at its end. */
    private final class Killer {
        private ScheduledFuture<?> timer;
        private boolean fired;

        synchronized void arm(ScheduledFuture<?> t) {
            timer = t;
        }

        /** Runs on the timer thread: the kill is a call to the guest, so it goes to a thread of its own. */
        void fire(long pid) {
            synchronized (this) {
                fired = true;
            }
            Thread.ofVirtual().name("exec-timeout-" + pid).start(() -> {
                try {
                    processes.signal(ProcessId.of(pid), "SIGKILL");
                } catch (IOException gone) {
                    // it ended meanwhile; its end event follows on the stream
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        /** True if the limit was reached. */
        synchronized boolean disarm() {
            if (timer != null) timer.cancel(false);
            return fired;
        }
    }

    /** The first {@link #MAX_CAPTURE} bytes of a stream. */
    private static final class Capture {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean truncated;

        void add(byte[] data) {
            int room = MAX_CAPTURE - bytes.size();
            if (data.length > room) truncated = true;
            if (room > 0) bytes.write(data, 0, Math.min(room, data.length));
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
