package dev.wrenn.sdk.sandbox;

import dev.wrenn.sdk.code.CodeInterpreter;
import dev.wrenn.sdk.code.CodeRun;
import dev.wrenn.sdk.code.Execution;
import dev.wrenn.sdk.files.Filesystem;
import dev.wrenn.sdk.http.Json;
import dev.wrenn.sdk.http.Query;
import dev.wrenn.sdk.http.Transport;
import dev.wrenn.sdk.process.Commands;
import dev.wrenn.sdk.process.Processes;
import dev.wrenn.sdk.terminal.Terminal;
import dev.wrenn.sdk.terminal.TerminalOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One sandbox: its lifecycle (pause, resume, time-to-live, egress, destroy) and what runs in it (commands,
 * processes, a terminal, files, code). {@link #close()} destroys it, so a sandbox made in a try-with-resources
 * block is gone when the block ends, however it ends.
 *
 * <pre>{@code
 * try (Sandbox sandbox = wrenn.sandboxes().create()) {
 *     System.out.println(sandbox.commands().run("uname -a").stdout());
 * }
 * }</pre>
 *
 * A handle is cheap and holds no connection; {@link #info()} is the state its last call saw.
 */
public final class Sandbox implements AutoCloseable {
    private final Transport transport;
    private final String id;
    private volatile SandboxInfo info;

    Sandbox(Transport transport, SandboxInfo info) {
        this.transport = transport;
        this.id = info.id();
        this.info = info;
    }

    public String id() {
        return id;
    }

    /** The sandbox as the last call that returned it saw it. */
    public SandboxInfo info() {
        return info;
    }

    /** Reads the sandbox's current state. */
    public SandboxInfo refresh() {
        return keep(transport.get(path("")).as(SandboxInfo.class));
    }

    public SandboxStatus status() {
        return refresh().status();
    }

    /** Saves its memory, processes and disk and releases its VM; {@link #resume()} brings it back as it was. */
    public SandboxInfo pause() {
        return keep(transport
                .json("POST", path("/pause"), null, Duration.ofMinutes(3))
                .as(SandboxInfo.class));
    }

    /** Restores a paused sandbox into a new VM; a {@link dev.wrenn.sdk.ConflictException} unless it is paused. */
    public SandboxInfo resume() {
        return keep(transport
                .json("POST", path("/resume"), null, Duration.ofMinutes(6))
                .as(SandboxInfo.class));
    }

    /** Resumes the sandbox if paused (a running one stays as it is), moving its end to at least {@code ttl} away. */
    public SandboxInfo connect(Duration ttl) {
        var body = Json.object().put("ttl_sec", CreateSandbox.seconds(ttl));
        return keep(transport
                .json("POST", path("/connect"), body, Duration.ofMinutes(6))
                .as(SandboxInfo.class));
    }

    /**
     * Ends the sandbox {@code ttl} from now, and that long after every later resume, as its {@code onTimeout}
     * says; {@link Duration#ZERO} removes the time-to-live.
     */
    public SandboxInfo setTimeout(Duration ttl) {
        if (ttl.isNegative()) throw new IllegalArgumentException("a time-to-live cannot be negative: " + ttl);
        var body = Json.object().put("ttl_sec", ttl.toSeconds());
        return keep(transport.json("POST", path("/timeout"), body).as(SandboxInfo.class));
    }

    /** Counts as activity: postpones the inactivity auto-pause (never the time-to-live). */
    public void ping() {
        transport.json("POST", path("/ping"), null);
    }

    /** The egress policy in force. */
    public NetworkPolicy network() {
        return transport.get(path("/network")).as(NetworkPolicy.class);
    }

    /** Replaces the egress policy; a running sandbox gets it at once (established connections it refuses are cut). */
    public NetworkPolicy setNetwork(NetworkPolicy policy) {
        return transport.json("PUT", path("/network"), policy.json()).as(NetworkPolicy.class);
    }

    /** The CPU, memory and disk samples since the sandbox was created (one every 5 s while it runs), oldest first. */
    public List<SandboxMetric> metrics() {
        return metrics(null, null);
    }

    /** The samples from {@code start} to {@code end} (null: creation, now). */
    public List<SandboxMetric> metrics(Instant start, Instant end) {
        var q = path("/metrics")
                .param("start", start == null ? null : start.getEpochSecond())
                .param("end", end == null ? null : end.getEpochSecond());
        return transport.get(q).asList(SandboxMetric.class);
    }

    /** One-shot and streamed commands. */
    public Commands commands() {
        return new Commands(transport, id);
    }

    /** Background processes. */
    public Processes processes() {
        return new Processes(transport, id);
    }

    /** Files and the file system. */
    public Filesystem files() {
        return new Filesystem(transport, id, null);
    }

    /** Opens {@code bash -l} on a terminal; close it to hang up. */
    public Terminal openTerminal(TerminalOptions options) {
        return Terminal.open(transport, id, options);
    }

    /** The sandbox's code interpreter (a sandbox of the {@code code-interpreter-v1} template). */
    public CodeInterpreter code() {
        return new CodeInterpreter(transport, id);
    }

    /** Runs a cell of Python in the default context: {@code code().run(code)}. */
    public Execution runCode(String code) {
        return code().run(code);
    }

    public Execution runCode(CodeRun cell) {
        return code().run(cell);
    }

    /** Destroys the sandbox and everything it held; no error if it is gone already. */
    public void destroy() {
        transport.delete(path(""));
    }

    /** {@link #destroy()}. */
    @Override
    public void close() {
        destroy();
    }

    private Query path(String tail) {
        return Query.path("/v1/sandboxes").segment(id).then(tail);
    }

    private SandboxInfo keep(SandboxInfo fresh) {
        info = fresh;
        return fresh;
    }

    @Override
    public String toString() {
        return "Sandbox[" + id + ", " + info.status().wire() + "]";
    }
}
