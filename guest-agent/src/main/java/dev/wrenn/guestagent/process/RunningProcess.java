package dev.wrenn.guestagent.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A process started through {@code /process}: reachable by pid for stdin and stop until it exits. */
public final class RunningProcess {
    static final Duration STOP_GRACE = Duration.ofSeconds(2);

    private final Process process;
    private final OutputStream stdin;
    private volatile boolean stopped;
    private boolean stdinClosed;

    RunningProcess(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
    }

    public long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    boolean stopped() {
        return stopped;
    }

    /** Copies bytes into the process's stdin; serialised so concurrent writers do not interleave. */
    public synchronized void writeStdin(InputStream data, boolean close) throws IOException {
        if (stdinClosed) throw new IOException("stdin already closed");
        data.transferTo(stdin);
        stdin.flush();
        if (close) {
            stdinClosed = true;
            stdin.close();
        }
    }

    /** SIGTERM to the group now, SIGKILL to the whole tree if it is still alive after the grace period. */
    public void stop() {
        stopped = true;
        Signals.signalGroup(process.pid(), Signals.SIGTERM);
        Thread.ofVirtual().name("stop-" + process.pid()).start(() -> {
            try {
                if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) Signals.killTree(process);
            } catch (InterruptedException e) {
                Signals.killTree(process);
            }
        });
    }
}
