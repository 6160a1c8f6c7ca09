package dev.wrenn.sdk.process;

import dev.wrenn.sdk.http.Query;
import dev.wrenn.sdk.http.Transport;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Background processes: they run on after the call that started them, after any client disconnects, and through
 * pause and resume, until they exit or are signalled. From {@code Sandbox#processes()}.
 */
public final class Processes {
    private final Transport transport;
    private final String sandboxId;

    public Processes(Transport transport, String sandboxId) {
        this.transport = transport;
        this.sandboxId = sandboxId;
    }

    /** Starts {@code command} and returns once it runs; its {@code tag} and {@code stdin} options apply here. */
    public SandboxProcess start(Command command) {
        JsonNode r = transport.json("POST", base(), Commands.startBody(command)).as(JsonNode.class);
        return new SandboxProcess(this, r.path("pid").asLong(), r.path("tag").asString(null));
    }

    /** The live processes. */
    public List<ProcessInfo> list() {
        return transport.get(base()).asList(ProcessInfo.class);
    }

    /**
     * One process: running, or ended with its exit code while the guest remembers it; a
     * {@link dev.wrenn.sdk.NotFoundException} otherwise.
     */
    public ProcessInfo get(long pid) {
        return transport.get(one(pid)).as(ProcessInfo.class);
    }

    /** A handle on process {@code pid} (no call is made). */
    public SandboxProcess process(long pid) {
        return new SandboxProcess(this, pid, null);
    }

    Query base() {
        return Query.path("/v1/sandboxes").segment(sandboxId).then("/processes");
    }

    Query one(long pid) {
        return base().segment(Long.toString(pid));
    }

    Transport transport() {
        return transport;
    }
}
