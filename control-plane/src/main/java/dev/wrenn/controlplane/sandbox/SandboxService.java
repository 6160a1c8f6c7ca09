package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.db.Ids;
import dev.wrenn.controlplane.host.HostAgentClient;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.snapshot.TemplateStore;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.DestroySandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandbox lifecycle and commands. Lifecycle operations on one sandbox (create, destroy, and later
 * pause and resume) are serialized by a per-sandbox lock; commands are not, so a destroy never
 * waits for a long command: the command fails instead, and its caller is told why.
 */
public final class SandboxService {
    private static final Logger log = LoggerFactory.getLogger(SandboxService.class);
    public static final String DEFAULT_TEMPLATE = "minimal";

    private final SandboxStore store;
    private final HostAgentClient hostAgent;
    private final SandboxLimits limits;
    private final TemplateStore templates;
    private final long createDeadlineMs;
    private final LifecycleLocks locks = new LifecycleLocks();
    /** Sandboxes whose VM is being torn down right now: commands failing meanwhile failed because of it. */
    /**
     * Sandboxes whose VM a lifecycle operation is taking away right now, with what is happening to
     * them ("destroyed", "paused", ...): a command cut off by it gets 409 with that reason, not a
     * host error.
     */
    private final ConcurrentHashMap<String, String> interrupting = new ConcurrentHashMap<>();

    public SandboxService(
            SandboxStore store,
            TemplateStore templates,
            HostAgentClient agent,
            SandboxLimits limits,
            long createDeadlineMs) {
        this.store = store;
        this.templates = templates;
        this.hostAgent = agent;
        this.limits = limits;
        this.createDeadlineMs = createDeadlineMs;
    }

    /** The host agent sandboxes run on; a 503 when this server has none configured. */
    public HostAgentClient agent() {
        if (hostAgent == null) {
            throw new ApiException(503, "no_host_agent", "this server has no host agent configured (WRENN_HOST_AGENT)");
        }
        return hostAgent;
    }

    public record CreateRequest(String template, int vcpus, int memoryMb, int timeoutSec) {}

    public SandboxView create(String teamId, CreateRequest req) {
        if (req.vcpus() < 1 || req.vcpus() > limits.maxVcpus()) {
            throw ApiException.invalid("'vcpus' must be between 1 and " + limits.maxVcpus());
        }
        if (req.memoryMb() < limits.minMemoryMb() || req.memoryMb() > limits.maxMemoryMb()) {
            throw ApiException.invalid(
                    "'memory_mb' must be between " + limits.minMemoryMb() + " and " + limits.maxMemoryMb());
        }
        if (req.timeoutSec() < 0 || req.timeoutSec() > limits.maxTimeoutSec()) {
            throw ApiException.invalid("'timeout_sec' must be between 0 and " + limits.maxTimeoutSec());
        }
        var template = templates
                .resolve(teamId, req.template())
                .orElseThrow(() -> ApiException.invalid("template '" + req.template() + "' does not exist"));
        // A snapshot template's vcpus and memory are baked into its frozen state.
        int vcpus = template.vcpus() != null ? template.vcpus() : req.vcpus();
        int memoryMb = template.memoryMb() != null ? template.memoryMb() : req.memoryMb();

        String id = Ids.sandbox();
        return withLock(id, () -> {
            store.insertPending(
                    id,
                    teamId,
                    req.template(),
                    template.hostName(),
                    vcpus,
                    memoryMb,
                    req.timeoutSec(),
                    agent().address());
            try {
                var vm = agent().blocking()
                        .withDeadlineAfter(createDeadlineMs, TimeUnit.MILLISECONDS)
                        .createSandbox(CreateSandboxRequest.newBuilder()
                                .setSandboxId(id)
                                .setTemplate(template.hostName())
                                .setVcpus(vcpus)
                                .setMemoryMb(memoryMb)
                                .build());
                store.markRunning(id, SandboxStatus.PENDING, vm.getGuestIp(), vm.getHostIp());
                log.info("sandbox {} running ({} ms, {})", id, vm.getTiming().getTotalMs(), vm.getAccel());
            } catch (StatusRuntimeException e) {
                store.transition(id, SandboxStatus.PENDING, SandboxStatus.ERROR, "create failed: " + e.getStatus());
                // The agent may have created parts of the VM before failing; make sure nothing stays.
                destroyQuietly(id);
                throw HostErrors.map(e, "creating the sandbox");
            }
            return store.get(teamId, id).orElseThrow().view();
        });
    }

    public SandboxView get(String teamId, String id) {
        return row(teamId, id).view();
    }

    public void destroy(String teamId, String id) {
        withLock(id, () -> {
            var row = row(teamId, id);
            if (row.status() == SandboxStatus.STOPPED) return null;
            interrupting.put(id, "destroyed");
            try {
                agent().blocking()
                        .withDeadlineAfter(60, TimeUnit.SECONDS)
                        .destroySandbox(DestroySandboxRequest.newBuilder()
                                .setSandboxId(id)
                                .build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    interrupting.remove(id);
                    throw HostErrors.map(e, "destroying the sandbox");
                }
            }
            try {
                store.transition(id, row.status(), SandboxStatus.STOPPED, "destroyed");
            } finally {
                interrupting.remove(id);
            }
            return null;
        });
    }

    /** Saves the sandbox's state and releases its running resources; 409 unless running. */
    public SandboxView pause(String teamId, String id) {
        return withLock(id, () -> {
            var row = requireRunning(teamId, id);
            pauseLocked(row, "paused");
            return store.get(teamId, id).orElseThrow().view();
        });
    }

    /** Auto-pause of an idle sandbox; false when it was no longer running and idle by then. */
    public boolean autoPause(SandboxStore.Row idle) {
        return withLock(idle.id(), () -> {
            var row = store.get(idle.teamId(), idle.id()).orElse(null);
            if (row == null
                    || row.status() != SandboxStatus.RUNNING
                    || !row.view().lastActiveAt().equals(idle.view().lastActiveAt())) {
                return false; // it moved, or someone used it since the scan
            }
            pauseLocked(row, "auto_paused: idle for " + row.view().timeoutSec() + " s");
            return true;
        });
    }

    private void pauseLocked(SandboxStore.Row row, String reason) {
        interrupting.put(row.id(), "paused");
        try {
            agent().blocking()
                    .withDeadlineAfter(120, TimeUnit.SECONDS)
                    .pauseSandbox(PauseSandboxRequest.newBuilder()
                            .setSandboxId(row.id())
                            .build());
            store.transition(row.id(), SandboxStatus.RUNNING, SandboxStatus.PAUSED, reason);
        } catch (StatusRuntimeException e) {
            throw HostErrors.map(e, "pausing the sandbox");
        } finally {
            interrupting.remove(row.id());
        }
        log.info("sandbox {} paused ({})", row.id(), reason);
    }

    /** Restores a paused sandbox into a new VM; 409 unless paused. */
    public SandboxView resume(String teamId, String id) {
        return withLock(id, () -> {
            var row = row(teamId, id);
            if (row.status() != SandboxStatus.PAUSED) {
                throw ApiException.conflict(
                        "sandbox_not_paused",
                        "sandbox '" + id + "' is " + row.status().wire() + ", not paused");
            }
            Sandbox vm;
            try {
                vm = agent().blocking()
                        .withDeadlineAfter(createDeadlineMs, TimeUnit.MILLISECONDS)
                        .resumeSandbox(ResumeSandboxRequest.newBuilder()
                                .setSandboxId(id)
                                .build());
            } catch (StatusRuntimeException e) {
                throw HostErrors.map(e, "resuming the sandbox");
            }
            store.markRunning(id, SandboxStatus.PAUSED, vm.getGuestIp(), vm.getHostIp());
            return store.get(teamId, id).orElseThrow().view();
        });
    }

    /**
     * Runs {@code action} on a running sandbox under its lifecycle lock, then marks it stopped with
     * the reason: for snapshots, which consume the sandbox.
     */
    public <T> T consume(
            String teamId, String id, String reason, java.util.function.Function<SandboxStore.Row, T> action) {
        return withLock(id, () -> {
            var row = requireRunning(teamId, id);
            interrupting.put(id, reason);
            try {
                T result = action.apply(row);
                store.transition(id, SandboxStatus.RUNNING, SandboxStatus.STOPPED, reason);
                return result;
            } finally {
                interrupting.remove(id);
            }
        });
    }

    public ExecResult exec(String teamId, String id, Command command, int timeoutSec) {
        if (timeoutSec < 1 || timeoutSec > limits.maxExecTimeoutSec()) {
            throw ApiException.invalid("'timeout_sec' must be between 1 and " + limits.maxExecTimeoutSec());
        }
        // The touch only matches a running sandbox of the team, so it is the check too: one database
        // round trip before the command instead of two (the lookup runs only to tell 404 from 409).
        if (!store.touch(teamId, id)) requireRunning(teamId, id);
        try {
            var r = agent().blocking()
                    .withDeadlineAfter(timeoutSec + 30L, TimeUnit.SECONDS)
                    .exec(ExecRequest.newBuilder()
                            .setSandboxId(id)
                            .setCmd(command.program())
                            .addAllArgs(command.args())
                            .setTimeoutMs(timeoutSec * 1000L)
                            .build());
            store.touch(teamId, id);
            return ExecResult.of(
                    id,
                    command.display(),
                    r.getStdout().toByteArray(),
                    r.getStderr().toByteArray(),
                    r.getExitCode(),
                    r.getDurationMs(),
                    r.getTimedOut());
        } catch (StatusRuntimeException e) {
            throw failedCommand(teamId, id, e);
        }
    }

    public void ping(String teamId, String id) {
        if (!store.touch(teamId, id)) {
            requireRunning(teamId, id); // 404 or 409
        }
    }

    /** The row of a running sandbox of the team: 404 when unknown, 409 when not running. */
    public SandboxStore.Row requireRunning(String teamId, String id) {
        var row = row(teamId, id);
        if (row.status() != SandboxStatus.RUNNING) {
            throw ApiException.conflict(
                    "sandbox_not_running",
                    "sandbox '" + id + "' is " + row.status().wire() + ", not running");
        }
        return row;
    }

    /**
     * A command (or file transfer) failed at the host agent: if the sandbox stopped meanwhile,
     * that is the reason the caller gets; otherwise the agent's error.
     */
    public ApiException failedCommand(String teamId, String id, StatusRuntimeException e) {
        String why = interrupting.get(id);
        if (why != null) {
            return ApiException.conflict(
                    "sandbox_not_running", "sandbox '" + id + "' was " + why + " during the operation");
        }
        var now = store.get(teamId, id);
        if (now.isPresent() && now.get().status() != SandboxStatus.RUNNING) {
            return ApiException.conflict(
                    "sandbox_not_running",
                    "sandbox '" + id + "' became " + now.get().status().wire() + " during the operation");
        }
        return HostErrors.map(e, "running the command");
    }

    private SandboxStore.Row row(String teamId, String id) {
        return store.get(teamId, id).orElseThrow(() -> ApiException.notFound("sandbox '" + id + "' not found"));
    }

    private void destroyQuietly(String id) {
        try {
            agent().blocking()
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .destroySandbox(
                            DestroySandboxRequest.newBuilder().setSandboxId(id).build());
        } catch (StatusRuntimeException ignored) {
            // NOT_FOUND is the usual answer: the agent already cleaned up. The reconciler retries the rest.
        }
    }

    <T> T withLock(String id, Supplier<T> action) {
        return locks.withLock(id, action);
    }

    /**
     * Runs {@code action} under the sandbox's lifecycle lock if no lifecycle operation holds it now;
     * returns false (and does nothing) if one does. For the reconciler: while a pause, resume,
     * snapshot or destroy is in flight, the host and the row legitimately disagree.
     */
    public boolean tryWithLock(String id, Runnable action) {
        return locks.tryWithLock(id, action);
    }
}
