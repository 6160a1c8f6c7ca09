package dev.wrenn.controlplane.template;

import dev.wrenn.controlplane.db.Ids;
import dev.wrenn.controlplane.db.SqlStates;
import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.sandbox.SandboxService;
import dev.wrenn.controlplane.sandbox.StatusReason;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Templates saved from sandboxes (type {@code snapshot} in the contract, served at
 * {@code /v1/snapshots}): a running sandbox frozen under a team-scoped name, from which new sandboxes
 * start. On the host a template lives under its row id, so two teams may use the same name.
 *
 * <p>A template that live sandboxes (pending, running or paused) were started from is never
 * deleted or overwritten under them: both are refused with 409 {@code template_in_use}.
 */
public final class TemplateService {
    private static final Logger log = LoggerFactory.getLogger(TemplateService.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final TemplateStore templates;
    private final SandboxService sandboxes;

    public TemplateService(TemplateStore templates, SandboxService sandboxes) {
        this.templates = templates;
        this.sandboxes = sandboxes;
    }

    /**
     * Where a template came from, when a build made it: the build, and the account and directory its
     * sandboxes default to (null: the API's own default).
     */
    public record Origin(String buildId, String defaultUser, String defaultWorkdir) {}

    public TemplateView create(String teamId, String sandboxId, Optional<String> requestedName, boolean overwrite) {
        return create(teamId, sandboxId, requestedName, overwrite, new Origin(null, null, null));
    }

    public TemplateView create(
            String teamId, String sandboxId, Optional<String> requestedName, boolean overwrite, Origin origin) {
        String name = requestedName.orElseGet(() -> Ids.random("snap-", 10));
        if (!NAME.matcher(name).matches()) {
            throw ApiException.invalid("'name' must match " + NAME.pattern());
        }
        var visible = templates.resolve(teamId, name);
        if (visible.isPresent() && visible.get().type().equals("base")) {
            throw new ApiException(ApiError.NAME_TAKEN, "'" + name + "' is a base template");
        }
        // A built-in template of this name is not replaced: the team's own comes before it for this team.
        var existing = visible.filter(r -> !r.sharedWith(teamId));
        if (existing.isPresent()) {
            var old = existing.get();
            if (!overwrite) {
                throw new ApiException(
                        ApiError.NAME_TAKEN, "template '" + name + "' exists; use ?overwrite=true to replace it");
            }
            if (templates.dependents(old.hostName()) > 0) {
                throw new ApiException(
                        ApiError.TEMPLATE_IN_USE, "template '" + name + "' has live sandboxes started from it");
            }
        }
        String id = Ids.template();
        var host = sandboxes.consume(
                teamId, sandboxId, "saved as template " + name, StatusReason.SAVED_AS_TEMPLATE, name, row -> {
                    try {
                        return sandboxes.agent().saveTemplate(sandboxId, id);
                    } catch (HostAgentException e) {
                        throw e.toApi("saving the template");
                    }
                });
        var row = new TemplateStore.Row(
                id,
                teamId,
                name,
                "snapshot",
                host.vcpus(),
                host.memoryMb(),
                host.sizeBytes(),
                java.time.Instant.now(),
                id,
                origin.buildId(),
                origin.defaultUser(),
                origin.defaultWorkdir());
        existing.ifPresent(old -> {
            templates.delete(old.id());
            deleteOnHost(old.hostName());
        });
        try {
            templates.insert(row);
        } catch (RuntimeException e) {
            deleteOnHost(id);
            if (SqlStates.isUniqueViolation(e)) {
                throw new ApiException(ApiError.NAME_TAKEN, "template '" + name + "' was created concurrently");
            }
            throw e;
        }
        return templates.resolve(teamId, name).orElseThrow().view();
    }

    public List<TemplateView> list(String teamId, String type) {
        if (type != null && !type.equals("base") && !type.equals("snapshot")) {
            throw ApiException.invalid("'type' must be base or snapshot");
        }
        refreshBaseSizes();
        return templates.list(teamId, type).stream()
                .map(TemplateStore.Row::view)
                .toList();
    }

    public void delete(String teamId, String name) {
        var row = templates
                .resolve(teamId, name)
                .filter(r -> r.type().equals("snapshot"))
                .orElseThrow(() -> ApiException.notFound("template '" + name + "' not found"));
        if (row.sharedWith(teamId)) {
            throw new ApiException(
                    ApiError.PERMISSION_DENIED,
                    "template '" + name + "' is built in (the server builds it from its own recipe); it cannot be"
                            + " deleted");
        }
        if (templates.dependents(row.hostName()) > 0) {
            throw new ApiException(
                    ApiError.TEMPLATE_IN_USE,
                    "template '" + name + "' has live sandboxes started from it; destroy them first");
        }
        deleteOnHost(row.hostName());
        templates.delete(row.id());
    }

    private void deleteOnHost(String hostName) {
        try {
            sandboxes.agent().deleteTemplate(hostName); // false: already gone, as wanted
        } catch (HostAgentException e) {
            throw e.toApi("deleting the template");
        }
    }

    /** Base images are built on the host; their size is whatever the host reports now. */
    private void refreshBaseSizes() {
        try {
            for (var t : sandboxes.agent().templates()) {
                if (t.base()) templates.updateBaseSize(t.name(), t.sizeBytes());
            }
        } catch (ApiException | HostAgentException e) {
            log.debug("base template sizes not refreshed: {}", e.getMessage());
        }
    }
}
