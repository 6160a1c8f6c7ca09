package dev.wrenn.guestagent.envd.process;

import dev.wrenn.guestagent.connect.Messages;
import dev.wrenn.guestagent.sys.Pty;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A process started by Process.Start, in its own session (pid == pgid). Its output goes to whoever is
 * subscribed at the moment it is read and is dropped otherwise; it keeps running when every client has gone.
 */
final class ManagedProcess {
    /** How long the end waits for output still in the pipes after the process exits (a background child may
     * hold them open for ever; envd stops reading at exit too). */
    private static final long PIPE_GRACE_MS = 500;

    private final long pid;
    private final String tag;
    private final Map<String, Object> config;
    private final Process process;
    private final Pty pty;
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private final Object stdinLock = new Object();
    private OutputStream stdin;
    private volatile Map<String, Object> end;

    ManagedProcess(Process process, Pty pty, String tag, Map<String, Object> config, boolean keepStdin) {
        this.process = process;
        this.pty = pty;
        this.pid = process.pid();
        this.tag = tag;
        this.config = config;
        this.stdin = pty == null && keepStdin ? process.getOutputStream() : null;
        if (pty == null && !keepStdin) closeQuietly(process.getOutputStream());
    }

    long pid() {
        return pid;
    }

    String tag() {
        return tag;
    }

    Map<String, Object> config() {
        return config;
    }

    /** Waits up to {@code nanos} for the process to exit; true if it has. */
    boolean awaitExit(long nanos) throws InterruptedException {
        return process.waitFor(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    boolean hasPty() {
        return pty != null;
    }

    /** Starts the output readers and the waiter that publishes the end event and then calls {@code onEnd}. */
    void start(Subscription first, Runnable onEnd) {
        if (first != null) subscribers.add(first);
        Thread out;
        Thread err = null;
        if (pty != null) {
            out = pty.startReader("pty-" + pid, chunk -> publish("pty", chunk));
        } else {
            out = Thread.ofVirtual().name("stdout-" + pid).start(() -> pump(process.getInputStream(), "stdout"));
            err = Thread.ofVirtual().name("stderr-" + pid).start(() -> pump(process.getErrorStream(), "stderr"));
        }
        Thread stderrReader = err;
        Thread.ofVirtual().name("wait-" + pid).start(() -> {
            int exit;
            try {
                exit = process.waitFor();
                out.join(PIPE_GRACE_MS);
                if (stderrReader != null) stderrReader.join(PIPE_GRACE_MS);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (stdinLock) {
                closeQuietly(stdin);
                stdin = null;
            }
            if (pty == null) {
                closeQuietly(process.getInputStream());
                closeQuietly(process.getErrorStream());
            }
            finish(ExitStatus.endEvent(exit));
            onEnd.run();
        });
    }

    private void pump(InputStream in, String kind) {
        byte[] buf = new byte[32 * 1024];
        try {
            for (int n; (n = in.read(buf)) > 0; ) publish(kind, java.util.Arrays.copyOf(buf, n));
        } catch (IOException e) {
            // the stream was closed after the exit grace period: the rest is not delivered
        }
    }

    private void publish(String kind, byte[] chunk) {
        if (subscribers.isEmpty()) return;
        Map<String, Object> ev = Map.of("data", Map.of(kind, Messages.base64(chunk)));
        for (Subscription s : subscribers) s.put(ev);
    }

    private synchronized void finish(Map<String, Object> endEvent) {
        end = Map.of("end", endEvent);
        for (Subscription s : subscribers) s.putEnd(end);
        subscribers.clear();
    }

    /** Subscribes from now on; once ended, the subscription holds only the end event. */
    synchronized Subscription subscribe() {
        var s = new Subscription();
        if (end != null) s.putEnd(end);
        else subscribers.add(s);
        return s;
    }

    void unsubscribe(Subscription s) {
        subscribers.remove(s);
    }

    /** The end event, null while running. */
    Map<String, Object> end() {
        return end;
    }

    void writeStdin(byte[] data) throws IOException {
        if (pty != null) {
            throw new IOException("tty assigned to process — input should be written to the pty, not the stdin");
        }
        synchronized (stdinLock) {
            if (stdin == null) throw new IOException("stdin not enabled or closed");
            stdin.write(data);
            stdin.flush();
        }
    }

    void writePty(byte[] data) throws IOException {
        if (pty == null) {
            throw new IOException("tty not assigned to process — input should be written to the stdin, not the tty");
        }
        pty.write(data);
    }

    void closeStdin() throws IOException {
        if (pty != null) throw new IOException("cannot close stdin for PTY process — send Ctrl+D (0x04) instead");
        synchronized (stdinLock) {
            closeQuietly(stdin);
            stdin = null;
        }
    }

    void resize(int cols, int rows) throws IOException {
        if (pty == null) throw new IOException("tty not assigned to process");
        pty.resize(cols, rows);
    }

    /**
     * The signal goes to the process group; a SIGKILL also to every descendant, so a child that left the group
     * with setsid cannot outlive it (the host's exec time limit is a SIGKILL through SendSignal).
     */
    void signal(int signal) {
        // Once reaped, the pid may belong to someone else: never signal a group that is not ours any more.
        if (!process.isAlive()) return;
        if (signal == Signals.SIGKILL) Signals.killTree(process);
        else Signals.signalGroup(pid, signal);
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException e) {
            // already closed or the reader is gone
        }
    }
}
