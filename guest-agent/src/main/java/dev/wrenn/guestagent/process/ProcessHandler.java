package dev.wrenn.guestagent.process;

import com.sun.net.httpserver.HttpExchange;
import dev.wrenn.guestagent.http.ApiError;
import dev.wrenn.guestagent.http.Exchanges;
import dev.wrenn.guestagent.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /process} streams NDJSON events while the command runs; {@code /process/{pid}/stdin}
 * and {@code /process/{pid}/stop} reach it by pid. If the streaming client goes away the process
 * keeps running (its output is drained and dropped) and can still be stopped.
 */
public final class ProcessHandler {
    private static final int CHUNK = 32 * 1024;

    private final Spawner spawner;
    private final Map<Long, RunningProcess> running = new ConcurrentHashMap<>();

    public ProcessHandler(Spawner spawner) {
        this.spawner = spawner;
    }

    public void start(HttpExchange ex) throws IOException {
        CommandSpec spec = CommandSpec.from(Exchanges.readJsonObject(ex), 0);
        Process process = spawner.spawn(spec);
        var rp = new RunningProcess(process);
        running.put(rp.pid(), rp);
        EventWriter events = null;
        try {
            ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, 0);
            var writer = new EventWriter(ex.getResponseBody());
            events = writer;
            writer.emit(event("start", "pid", rp.pid()));
            Thread out = Thread.ofVirtual().start(() -> pump(process.getInputStream(), "stdout", writer));
            Thread err = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), "stderr", writer));

            boolean timedOut = false;
            if (spec.timeoutMs() > 0) {
                if (!process.waitFor(spec.timeoutMs(), TimeUnit.MILLISECONDS)) {
                    timedOut = true;
                    Signals.killTree(process);
                    process.waitFor();
                }
            } else {
                process.waitFor();
            }
            long graceEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ExecHandler.PIPE_GRACE_MS);
            out.join(Duration.ofNanos(Math.max(1, graceEnd - System.nanoTime())));
            err.join(Duration.ofNanos(Math.max(1, graceEnd - System.nanoTime())));

            var exit = new LinkedHashMap<String, Object>();
            exit.put("type", "exit");
            exit.put("exit_code", timedOut ? -1 : process.exitValue());
            exit.put("timed_out", timedOut);
            exit.put("killed", rp.stopped());
            writer.emitLast(exit);
        } catch (InterruptedException e) {
            Signals.killTree(process);
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Headers are out, so the failure can only be reported in-band.
            Signals.killTree(process);
            if (events != null) events.emitLast(event("error", "data", e.toString()));
        } finally {
            running.remove(rp.pid());
            ex.close();
        }
    }

    public void stdin(HttpExchange ex, long pid) throws IOException {
        RunningProcess rp = find(pid);
        boolean close = "true".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-Close-Stdin"));
        try (InputStream body = ex.getRequestBody()) {
            rp.writeStdin(body, close);
        } catch (IOException e) {
            throw new ApiError("bad_request", "stdin of process " + pid + " is closed: " + e.getMessage());
        }
        Exchanges.sendNoContent(ex);
    }

    public void stop(HttpExchange ex, long pid) throws IOException {
        find(pid).stop();
        Exchanges.sendNoContent(ex);
    }

    /** Field order fixed so that "type" comes first on every line. */
    private static Map<String, Object> event(String type, String key, Object value) {
        var e = new LinkedHashMap<String, Object>();
        e.put("type", type);
        e.put(key, value);
        return e;
    }

    private RunningProcess find(long pid) {
        RunningProcess rp = running.get(pid);
        if (rp == null) throw ApiError.notFound("no running process with pid " + pid);
        return rp;
    }

    private static void pump(InputStream in, String type, EventWriter events) {
        var b64 = Base64.getEncoder();
        byte[] buf = new byte[CHUNK];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n > 0) events.emit(event(type, "data", b64.encodeToString(Arrays.copyOf(buf, n))));
            }
        } catch (IOException ignored) {
            // pipe closed
        }
    }

    /** One JSON object per line, flushed as produced; after the last event further output is dropped. */
    static final class EventWriter {
        private final OutputStream out;
        private boolean closed;
        private boolean broken;

        EventWriter(OutputStream out) {
            this.out = out;
        }

        synchronized void emit(Map<String, ?> event) {
            if (closed || broken) return;
            try {
                out.write((Json.write(event) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                broken = true; // client went away; keep the process running
            }
        }

        synchronized void emitLast(Map<String, ?> event) {
            emit(event);
            closed = true;
            try {
                out.close();
            } catch (IOException ignored) {
                // nothing to tell a client that is gone
            }
        }
    }
}
