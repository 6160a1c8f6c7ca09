package dev.wrenn.controlplane.build;

import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.host.ProcessEvents;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The events of one RUN step's process, turned into log lines (split at newlines, a partial line kept
 * until its end or the process's) and one outcome: its exit code, or why it could not run.
 */
final class StepProcess implements ProcessEvents {
    /** How the process ended: an exit code, or a message when the guest or host could not run it. */
    record Outcome(int exitCode, String error) {}

    private final BuildLog log;
    private final String buildId;
    private final int step;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final CompletableFuture<Outcome> done = new CompletableFuture<>();

    StepProcess(BuildLog log, String buildId, int step) {
        this.log = log;
        this.buildId = buildId;
        this.step = step;
    }

    @Override
    public void started(long pid) {}

    @Override
    public void stdout(byte[] data) {
        lines(out, data, "stdout");
    }

    @Override
    public void stderr(byte[] data) {
        lines(err, data, "stderr");
    }

    @Override
    public void exited(int exitCode) {
        flush();
        done.complete(new Outcome(exitCode, null));
    }

    @Override
    public void error(String message) {
        flush();
        done.complete(new Outcome(-1, message));
    }

    @Override
    public void failed(HostAgentException e) {
        flush();
        done.complete(new Outcome(-1, e.getMessage()));
    }

    private void lines(ByteArrayOutputStream buf, byte[] data, String kind) {
        for (byte b : data) {
            if (b == '\n') {
                emit(buf, kind);
            } else {
                buf.write(b);
                if (buf.size() >= BuildLog.MAX_LINE) emit(buf, kind);
            }
        }
    }

    private void emit(ByteArrayOutputStream buf, String kind) {
        log.append(buildId, kind, step, buf.toString(StandardCharsets.UTF_8).replace("\r", ""));
        buf.reset();
    }

    private void flush() {
        if (out.size() > 0) emit(out, "stdout");
        if (err.size() > 0) emit(err, "stderr");
    }
}
