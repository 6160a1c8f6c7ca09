package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.db.Ids;
import dev.wrenn.controlplane.host.HostAgentClient;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.hostagent.v1.DestroySandboxRequest;
import dev.wrenn.hostagent.v1.ExecRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
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
    private final Jdbi jdbi;
    private final HostAgentClient hostAgent;
    private final SandboxLimits limits;
    private final long createDeadlineMs;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** Sandboxes whose VM is being torn down right now: commands failing meanwhile failed because of it. */
    private final java.util.Set<String> stopping = ConcurrentHashMap.newKeySet();

    public SandboxService(SandboxStore store, Jdbi jdbi, HostAgentClient agent, SandboxLimits limits, long createDeadlineMs) {
        this.store = store;
        this.jdbi = jdbi;
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
        var template = templateType(teamId, req.template());
        if (template == null) {
            throw ApiException.invalid("template '" + req.template() + "' does not exist");
        }
        if (!template.equals("base")) {
            throw ApiException.invalid("template '" + req.template() + "' is a snapshot; starting from snapshots is not available yet");
        }

        String id = Ids.sandbox();
        var lock = lockOf(id);
        lock.lock();
        try {
            store.insertPending(id, teamId, req.template(), req.vcpus(), req.memoryMb(), req.timeoutSec(), agent().address());
            try {
                var vm = agent().blocking()
                        .withDeadlineAfter(createDeadlineMs, TimeUnit.MILLISECONDS)
                        .createSandbox(CreateSandboxRequest.newBuilder()
                                .setSandboxId(id)
                                .setTemplate(req.template())
                                .setVcpus(req.vcpus())
                                .setMemoryMb(req.memoryMb())
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
        } finally {
            lock.unlock();
            locks.remove(id, lock);
        }
    }

    public SandboxView get(String teamId, String id) {
        return row(teamId, id).view();
    }

    public void destroy(String teamId, String id) {
        withLock(id, () -> {
            var row = row(teamId, id);
            if (row.status() == SandboxStatus.STOPPED) return null;
            stopping.add(id);
            try {
                agent().blocking()
                        .withDeadlineAfter(60, TimeUnit.SECONDS)
                        .destroySandbox(DestroySandboxRequest.newBuilder().setSandboxId(id).build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    stopping.remove(id);
                    throw HostErrors.map(e, "destroying the sandbox");
                }
            }
            try {
                store.transition(id, row.status(), SandboxStatus.STOPPED, "destroyed");
            } finally {
                stopping.remove(id);
            }
            return null;
        });
    }

    public ExecResult exec(String teamId, String id, Command command, int timeoutSec) {
        if (timeoutSec < 1 || timeoutSec > limits.maxExecTimeoutSec()) {
            throw ApiException.invalid("'timeout_sec' must be between 1 and " + limits.maxExecTimeoutSec());
        }
        requireRunning(teamId, id);
        store.touch(teamId, id);
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
            throw ApiException.conflict("sandbox_not_running", "sandbox '" + id + "' is " + row.status().wire() + ", not running");
        }
        return row;
    }

    /**
     * A command (or file transfer) failed at the host agent: if the sandbox stopped meanwhile,
     * that is the reason the caller gets; otherwise the agent's error.
     */
    public ApiException failedCommand(String teamId, String id, StatusRuntimeException e) {
        if (stopping.contains(id)) {
            return ApiException.conflict("sandbox_not_running", "sandbox '" + id + "' was destroyed during the operation");
        }
        var now = store.get(teamId, id);
        if (now.isPresent() && now.get().status() != SandboxStatus.RUNNING) {
            return ApiException.conflict(
                    "sandbox_not_running", "sandbox '" + id + "' became " + now.get().status().wire() + " during the operation");
        }
        return HostErrors.map(e, "running the command");
    }

    private SandboxStore.Row row(String teamId, String id) {
        return store.get(teamId, id).orElseThrow(() -> ApiException.notFound("sandbox '" + id + "' not found"));
    }

    private String templateType(String teamId, String name) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT type FROM templates WHERE name = :name AND (team_id IS NULL OR team_id = :team)"
                                + " ORDER BY team_id NULLS LAST LIMIT 1")
                .bind("name", name)
                .bind("team", teamId)
                .mapTo(String.class)
                .findOne()
                .orElse(null));
    }

    private void destroyQuietly(String id) {
        try {
            agent().blocking()
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .destroySandbox(DestroySandboxRequest.newBuilder().setSandboxId(id).build());
        } catch (StatusRuntimeException ignored) {
            // NOT_FOUND is the usual answer: the agent already cleaned up. The reconciler retries the rest.
        }
    }

    <T> T withLock(String id, Supplier<T> action) {
        var lock = lockOf(id);
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
            if (!lock.hasQueuedThreads()) locks.remove(id, lock);
        }
    }

    private ReentrantLock lockOf(String id) {
        return locks.computeIfAbsent(id, k -> new ReentrantLock());
    }
}
