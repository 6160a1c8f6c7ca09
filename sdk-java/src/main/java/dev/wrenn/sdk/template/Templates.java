package dev.wrenn.sdk.template;

import dev.wrenn.sdk.http.Json;
import dev.wrenn.sdk.http.Query;
import dev.wrenn.sdk.http.Transport;
import java.time.Duration;
import java.util.List;

/**
 * Templates: the base images and the team's saved sandboxes ({@code /v1/snapshots}). A running sandbox becomes a
 * template with {@link #snapshot}; templates built from recipes are {@code Wrenn#builds()}. From
 * {@code Wrenn#templates()}.
 */
public final class Templates {
    private final Transport transport;

    public Templates(Transport transport) {
        this.transport = transport;
    }

    /** The base images and the team's templates (built-in ones included). */
    public List<TemplateInfo> list() {
        return list(null);
    }

    /** Only templates of {@code type}; every type when null. */
    public List<TemplateInfo> list(TemplateType type) {
        var q = Query.path("/v1/snapshots").param("type", type == null ? null : type.wire());
        return transport.get(q).asList(TemplateInfo.class);
    }

    /**
     * Saves running sandbox {@code sandboxId} as the template {@code name} (generated when null) and destroys the
     * sandbox: new sandboxes then start from its memory, processes and disk. An existing name is a
     * {@link dev.wrenn.sdk.ConflictException} ({@code name_taken}) unless {@code overwrite}; so is a template that
     * live sandboxes were started from ({@code template_in_use}).
     */
    public TemplateInfo snapshot(String sandboxId, String name, boolean overwrite) {
        var q = Query.path("/v1/snapshots").param("overwrite", overwrite ? "true" : null);
        var body = Json.object().put("sandbox_id", sandboxId).put("name", name);
        // Saving pauses the VM and copies its state: the server's own deadline (300 s) decides.
        return transport.json("POST", q, body, Duration.ofMinutes(6)).as(TemplateInfo.class);
    }

    public TemplateInfo snapshot(String sandboxId, String name) {
        return snapshot(sandboxId, name, false);
    }

    /** Deletes the team's template {@code name}; a {@link dev.wrenn.sdk.NotFoundException} if it has none. */
    public void delete(String name) {
        transport.delete(Query.path("/v1/snapshots").segment(name));
    }
}
