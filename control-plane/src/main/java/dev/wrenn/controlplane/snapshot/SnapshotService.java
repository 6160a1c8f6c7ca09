package dev.wrenn.controlplane.snapshot;

import dev.wrenn.controlplane.db.Ids;
import dev.wrenn.controlplane.db.SqlStates;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.sandbox.HostErrors;
import dev.wrenn.controlplane.sandbox.SandboxService;
import dev.wrenn.proto.hostagent.v1.DeleteTemplateRequest;
import dev.wrenn.proto.hostagent.v1.ListTemplatesRequest;
import dev.wrenn.proto.hostagent.v1.SnapshotSandboxRequest;
import dev.wrenn.proto.hostagent.v1.TemplateType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot templates: a running sandbox frozen under a team-scoped name, from which new sandboxes
 * start. On the host a template lives under its row id, so two teams may use the same name.
 *
 * <p>A template that live sandboxes (pending, running or paused) were started from is never
 * deleted or overwritten under them: both are refused with 409 {@code template_in_use}.
 */
public final class SnapshotService {
    private static final Logger log = LoggerFactory.getLogger(SnapshotService.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final TemplateStore templates;
    private final SandboxService sandboxes;

    public SnapshotService(TemplateStore templates, SandboxService sandboxes) {
        this.templates = templates;
        this.sandboxes = sandboxes;
    }

    public TemplateView create(String teamId, String sandboxId, Optional<String> requestedName, boolean overwrite) {
        String name = requestedName.orElseGet(() -> Ids.random("snap-", 10));
        if (!NAME.matcher(name).matches()) {
            throw ApiException.invalid("'name' must match " + NAME.pattern());
        }
        var existing = templates.resolve(teamId, name);
        if (existing.isPresent()) {
            var old = existing.get();
            if (old.type().equals("base")) {
                throw ApiException.conflict("name_taken", "'" + name + "' is a base template");
            }
            if (!overwrite) {
                throw ApiException.conflict(
                        "name_taken", "snapshot '" + name + "' exists; use ?overwrite=true to replace it");
            }
            if (templates.dependents(old.hostName()) > 0) {
                throw ApiException.conflict(
                        "template_in_use", "snapshot '" + name + "' has live sandboxes started from it");
            }
        }
        String id = Ids.template();
        var host = sandboxes.consume(teamId, sandboxId, "snapshotted as " + name, row -> {
            try {
                return sandboxes
                        .agent()
                        .blocking()
                        .withDeadlineAfter(300, TimeUnit.SECONDS)
                        .snapshotSandbox(SnapshotSandboxRequest.newBuilder()
                                .setSandboxId(sandboxId)
                                .setName(id)
                                .build());
            } catch (StatusRuntimeException e) {
                throw HostErrors.map(e, "taking the snapshot");
            }
        });
        var row = new TemplateStore.Row(
                id,
                teamId,
                name,
                "snapshot",
                host.getVcpus(),
                host.getMemoryMb(),
                host.getSizeBytes(),
                java.time.Instant.now(),
                id);
        existing.ifPresent(old -> {
            templates.delete(old.id());
            deleteOnHost(old.hostName());
        });
        try {
            templates.insert(row);
        } catch (RuntimeException e) {
            deleteOnHost(id);
            if (SqlStates.isUniqueViolation(e)) {
                throw ApiException.conflict("name_taken", "snapshot '" + name + "' was created concurrently");
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
                .orElseThrow(() -> ApiException.notFound("snapshot '" + name + "' not found"));
        if (templates.dependents(row.hostName()) > 0) {
            throw ApiException.conflict(
                    "template_in_use",
                    "snapshot '" + name + "' has live sandboxes started from it;" + " destroy them first");
        }
        deleteOnHost(row.hostName());
        templates.delete(row.id());
    }

    private void deleteOnHost(String hostName) {
        try {
            sandboxes
                    .agent()
                    .blocking()
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .deleteTemplate(
                            DeleteTemplateRequest.newBuilder().setName(hostName).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw HostErrors.map(e, "deleting the snapshot");
            }
        }
    }

    /** Base images are built on the host; their size is whatever the host reports now. */
    private void refreshBaseSizes() {
        try {
            var list = sandboxes
                    .agent()
                    .blocking()
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listTemplates(ListTemplatesRequest.getDefaultInstance());
            for (var t : list.getTemplatesList()) {
                if (t.getType() == TemplateType.TEMPLATE_TYPE_BASE)
                    templates.updateBaseSize(t.getName(), t.getSizeBytes());
            }
        } catch (ApiException | StatusRuntimeException e) {
            log.debug("base template sizes not refreshed: {}", e.getMessage());
        }
    }
}
