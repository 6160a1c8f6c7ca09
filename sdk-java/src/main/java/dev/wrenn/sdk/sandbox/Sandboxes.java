package dev.wrenn.sdk.sandbox;

import dev.wrenn.sdk.http.Json;
import dev.wrenn.sdk.http.Query;
import dev.wrenn.sdk.http.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The team's sandboxes: create, find, list, connect to and destroy them. From {@code Wrenn#sandboxes()}. */
public final class Sandboxes {
    /** The response header of a list page that carries the next page's cursor. */
    static final String NEXT_CURSOR = "X-Next-Cursor";

    private final Transport transport;

    public Sandboxes(Transport transport) {
        this.transport = transport;
    }

    /** A sandbox of the default template, running once this returns. */
    public Sandbox create() {
        return create(CreateSandbox.builder().build());
    }

    /**
     * Boots a sandbox and returns it running. Close it (try-with-resources) to destroy it; a sandbox not closed
     * runs until its time-to-live ends or someone destroys it.
     */
    public Sandbox create(CreateSandbox options) {
        // A create may wait for the guest of a slow host: the server's own create timeout (300 s) decides.
        var info = transport
                .json("POST", Query.path("/v1/sandboxes"), options.json(), Duration.ofMinutes(6))
                .as(SandboxInfo.class);
        return new Sandbox(transport, info);
    }

    /** The sandbox {@code id} of the key's team; a {@link dev.wrenn.sdk.NotFoundException} when there is none. */
    public Sandbox get(String id) {
        return new Sandbox(transport, info(id));
    }

    SandboxInfo info(String id) {
        return transport.get(Query.path("/v1/sandboxes").segment(id)).as(SandboxInfo.class);
    }

    /**
     * Makes the sandbox usable: a paused one is resumed, a running one is returned as it is. Its time-to-live is
     * moved to at least {@code ttl} from now (for a paused one: exactly), when given.
     */
    public Sandbox connect(String id, Duration ttl) {
        var body = Json.object().put("ttl_sec", CreateSandbox.seconds(ttl));
        var info = transport
                .json("POST", Query.path("/v1/sandboxes").segment(id).then("/connect"), body, Duration.ofMinutes(6))
                .as(SandboxInfo.class);
        return new Sandbox(transport, info);
    }

    public Sandbox connect(String id) {
        return connect(id, null);
    }

    /** Every sandbox of the team, newest first. */
    public List<SandboxInfo> list() {
        return list(SandboxQuery.all());
    }

    /**
     * The sandboxes {@code query} matches, newest first: all of them, or with a limit, all pages of that size
     * (each sandbox once, even while others are created).
     */
    public List<SandboxInfo> list(SandboxQuery query) {
        if (query.limit() == null && query.cursor() == null) {
            return transport.get(query.query()).asList(SandboxInfo.class);
        }
        var all = new ArrayList<SandboxInfo>();
        SandboxPage page = page(query);
        all.addAll(page.sandboxes());
        while (page.nextCursor().isPresent()) {
            page = page(query.at(page.nextCursor().get()));
            all.addAll(page.sandboxes());
        }
        return all;
    }

    /** One page of {@code query} (give it a limit), with the next page's cursor. */
    public SandboxPage page(SandboxQuery query) {
        var r = transport.get(query.query());
        return new SandboxPage(r.asList(SandboxInfo.class), r.header(NEXT_CURSOR));
    }

    /** Destroys the sandbox {@code id}; destroying one that is already stopped is no error. */
    public void destroy(String id) {
        transport.delete(Query.path("/v1/sandboxes").segment(id));
    }
}
