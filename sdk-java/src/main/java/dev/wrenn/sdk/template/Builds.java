package dev.wrenn.sdk.template;

import dev.wrenn.sdk.http.Json;
import dev.wrenn.sdk.http.Multipart;
import dev.wrenn.sdk.http.NdjsonReader;
import dev.wrenn.sdk.http.Query;
import dev.wrenn.sdk.http.Transport;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;

/**
 * Templates built from recipes ({@code /v1/templates/builds}): each RUN or COPY runs in a sandbox saved as a
 * cached layer, and the last is saved as the template. A build is queued at once; follow its {@link #logs} or
 * {@link #waitFor} it. From {@code Wrenn#builds()}.
 */
public final class Builds {
    private final Transport transport;

    public Builds(Transport transport) {
        this.transport = transport;
    }

    /** Queues the build and returns it (status queued or building); a bad recipe is refused naming its line. */
    public BuildInfo start(BuildRequest request) {
        var q = Query.path("/v1/templates/builds");
        if (request.context() == null) {
            var body = Json.object()
                    .put("name", request.name())
                    .put("recipe", request.recipe())
                    .put("vcpus", request.vcpus())
                    .put("memory_mb", request.memoryMb())
                    .put("disk_mb", request.diskMb())
                    .put("no_cache", request.noCache() ? Boolean.TRUE : null);
            return transport.json("POST", q, body).as(BuildInfo.class);
        }
        var form = new Multipart().field("name", request.name()).field("recipe", request.recipe());
        if (request.vcpus() != null) form.field("vcpus", request.vcpus().toString());
        if (request.memoryMb() != null)
            form.field("memory_mb", request.memoryMb().toString());
        if (request.diskMb() != null) form.field("disk_mb", request.diskMb().toString());
        if (request.noCache()) form.field("no_cache", "true");
        form.file("context", "context.tar.gz", "application/gzip", BodyPublishers.ofByteArray(request.context()));
        return transport.send("POST", q, form.contentType(), form.body(), null).as(BuildInfo.class);
    }

    public BuildInfo get(String id) {
        return transport.get(one(id)).as(BuildInfo.class);
    }

    /** The team's builds, newest first (up to 100); only those of template {@code name} when it is not null. */
    public List<BuildInfo> list(String name) {
        return transport
                .get(Query.path("/v1/templates/builds").param("name", name))
                .asList(BuildInfo.class);
    }

    /**
     * The build's log after entry {@code after} (0: from the start). With {@code follow} it stays open until the
     * build's end entry; pass the last {@code seq} seen to continue a log that broke off.
     */
    public BuildLog logs(String id, boolean follow, long after) {
        var q = one(id).then("/logs").param("follow", follow ? "true" : null).param("after", after > 0 ? after : null);
        return new BuildLog(new NdjsonReader(transport.stream("GET", q, null, BodyPublishers.noBody())));
    }

    /** Follows the build's log to its end and returns the build as it ended (ready, failed or cancelled). */
    public BuildInfo waitFor(String id) {
        try (BuildLog log = logs(id, true, 0)) {
            for (BuildLogLine line : log) {
                if (line.kind() == BuildLogLine.Kind.END) break;
            }
        }
        return get(id);
    }

    /** Stops a queued or running build (its sandbox is destroyed; saved layers stay cached). */
    public BuildInfo cancel(String id) {
        return transport.json("POST", one(id).then("/cancel"), null).as(BuildInfo.class);
    }

    /** Builds template {@code name} again from its last build's recipe and context. */
    public BuildInfo rebuild(String name, boolean noCache) {
        var q = Query.path("/v1/templates").segment(name).then("/builds").param("no_cache", noCache ? "true" : null);
        return transport.json("POST", q, null).as(BuildInfo.class);
    }

    private static Query one(String id) {
        return Query.path("/v1/templates/builds").segment(id);
    }
}
