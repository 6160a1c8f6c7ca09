package dev.wrenn.codeinterpreter.context;

import dev.wrenn.codeinterpreter.execute.ClientGoneException;
import dev.wrenn.codeinterpreter.execute.EnvVarsCode;
import dev.wrenn.codeinterpreter.execute.Execution;
import dev.wrenn.codeinterpreter.execute.OutputEvent;
import dev.wrenn.codeinterpreter.execute.Sink;
import dev.wrenn.codeinterpreter.jupyter.KernelSession;
import dev.wrenn.codeinterpreter.jupyter.KernelSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A code context: one kernel (replaced on restart, or when it died), its language and working directory.
 * Executions take turns in arrival order (a fair lock); restart and close do not wait for them, they end
 * the running one by ending its kernel.
 */
public final class Context implements AutoCloseable {
    /** How long an interrupted cell may take to stop before its turn is given up anyway. */
    private static final Duration INTERRUPT_WAIT = Duration.ofSeconds(10);

    private static final Duration SILENT_WAIT = Duration.ofSeconds(30);

    private final String id;
    private final String language;
    private final KernelSpec spec;
    private final Duration keepalive;
    private final ReentrantLock turn = new ReentrantLock(true);
    /** Guarded by this: swapped by restart, or by the next execution after the kernel died. */
    private KernelSession session;

    private boolean closed;

    private Context(String id, String language, KernelSpec spec, Duration keepalive, KernelSession session) {
        this.id = id;
        this.language = language;
        this.spec = spec;
        this.keepalive = keepalive;
        this.session = session;
    }

    static Context start(String id, String language, KernelSpec spec, Duration keepalive) throws IOException {
        return new Context(id, language, spec, keepalive, KernelSession.start(spec));
    }

    public String id() {
        return id;
    }

    public String language() {
        return language;
    }

    public String cwd() {
        return spec.cwd().toString();
    }

    public Map<String, Object> toJson() {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", id);
        m.put("language", language);
        m.put("cwd", cwd());
        return m;
    }

    /**
     * Runs {@code code} with {@code env} set for it alone, streaming its events to {@code sink} (not the
     * end marker). If the client goes, the cell is interrupted and its turn held until it has stopped.
     */
    public void execute(String code, Map<String, String> env, Sink sink)
            throws ClientGoneException, InterruptedException {
        // Waiting for our turn also writes keepalives, so a client that gives up meanwhile is noticed.
        while (!turn.tryLock(keepalive.toMillis(), TimeUnit.MILLISECONDS)) sink.emit(new OutputEvent.Keepalive());
        try {
            KernelSession s;
            try {
                s = session();
            } catch (IOException e) {
                sink.emit(new OutputEvent.Error("KernelStartError", e.getMessage(), ""));
                return;
            }
            if (!env.isEmpty() && !runSilently(s, EnvVarsCode.set(env), sink)) return;
            try {
                stream(s, code, sink);
            } finally {
                if (!env.isEmpty()) runSilently(s, EnvVarsCode.restore(), null);
            }
        } finally {
            turn.unlock();
        }
    }

    private void stream(KernelSession s, String code, Sink sink) throws ClientGoneException, InterruptedException {
        Execution e;
        try {
            e = Execution.start(s, code, false);
        } catch (IOException ex) {
            sink.emit(new OutputEvent.Error("KernelExited", ex.getMessage(), ""));
            return;
        }
        try {
            while (true) {
                OutputEvent event = e.poll(keepalive);
                if (event instanceof OutputEvent.EndOfExecution) return;
                sink.emit(event == null ? new OutputEvent.Keepalive() : event);
            }
        } catch (ClientGoneException gone) {
            try {
                e.interrupt();
                if (!e.drain(INTERRUPT_WAIT)) {
                    System.err.println("wrenn-code-interpreter: context " + id + " did not stop after an interrupt");
                }
            } catch (IOException ignored) {
                // the kernel is gone as well: nothing left to stop
            }
            throw gone;
        }
    }

    /**
     * Our own code, run without output or execution count. ipykernel aborts requests that arrive just
     * after a failed cell (stop_on_error), so an aborted run is retried once.
     */
    private boolean runSilently(KernelSession s, String code, Sink sink)
            throws ClientGoneException, InterruptedException {
        try {
            for (int attempt = 0; ; attempt++) {
                Execution e = Execution.start(s, code, true);
                OutputEvent.Error error = e.awaitEnd(SILENT_WAIT);
                if ("aborted".equals(e.replyStatus()) && attempt == 0) {
                    Thread.sleep(100);
                    continue;
                }
                if (error == null) return true;
                if (sink != null) sink.emit(new OutputEvent.Error("EnvVarsError", error.value(), error.traceback()));
                return false;
            }
        } catch (IOException e) {
            if (sink != null) sink.emit(new OutputEvent.Error("KernelExited", e.getMessage(), ""));
            return false;
        }
    }

    /** The running kernel, or a new one if it died (its state is gone either way; the next cell still runs). */
    private synchronized KernelSession session() throws IOException {
        if (closed) throw new IOException("context " + id + " was deleted");
        if (!session.isAlive()) {
            session.close();
            session = KernelSession.start(spec);
        }
        return session;
    }

    /** A fresh kernel under the same id; the running cell, if any, ends with ContextRestarting. */
    public synchronized void restart() throws IOException {
        if (closed) throw new IOException("context " + id + " was deleted");
        session.close(Execution.RESTARTED);
        session = KernelSession.start(spec);
    }

    public synchronized long kernelPid() {
        return session.pid();
    }

    @Override
    public synchronized void close() {
        closed = true;
        session.close("Context was deleted");
    }
}
