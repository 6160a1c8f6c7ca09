package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.db.Ids;
import dev.wrenn.controlplane.host.GuestSetup;
import dev.wrenn.controlplane.host.HostAgentClient;
import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.host.HostSandbox;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.network.EgressPolicy;
import dev.wrenn.controlplane.template.TemplateStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
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
    private final AccessTokens tokens;
    private final LifecycleLocks locks = new LifecycleLocks();
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
            AccessTokens tokens) {
        this.store = store;
        this.templates = templates;
        this.hostAgent = agent;
        this.limits = limits;
        this.tokens = tokens;
    }

    public SandboxLimits limits() {
        return limits;
    }

    /** The sandbox's derived tokens (envd access, traffic). */
    public AccessTokens tokens() {
        return tokens;
    }

    public boolean hasAgent() {
        return hostAgent != null;
    }

    /** The host agent sandboxes run on; a 503 when this server has none configured. */
    public HostAgentClient agent() {
        if (hostAgent == null) {
            throw new ApiException(
                    ApiError.NO_HOST_AGENT, "this server has no host agent configured (WRENN_HOST_AGENT)");
        }
        return hostAgent;
    }

    public SandboxView create(String teamId, CreateRequest req) {
        req.check(limits);
        var template = templates.resolve(teamId, req.template()).orElseThrow(() -> missing(req.template()));
        return create(teamId, req, template);
    }

    private ApiException missing(String template) {
        if (templates.builtinPending(template)) {
            return new ApiException(
                    ApiError.TEMPLATE_BUILDING,
                    "template '" + template + "' is built in and the server is still building it; try again shortly");
        }
        return ApiException.invalid("template '" + template + "' does not exist");
    }

    /**
     * Creates a sandbox from a template row already found: for builds, whose layers no name resolves.
     * {@code req.template()} is what the sandbox's row names it by.
     */
    public SandboxView create(String teamId, CreateRequest req, TemplateStore.Row template) {
        req.check(limits);
        // A saved template's vcpus and memory are baked into its frozen state.
        int vcpus = template.vcpus() != null ? template.vcpus() : req.vcpus();
        int memoryMb = template.memoryMb() != null ? template.memoryMb() : req.memoryMb();

        String id = Ids.sandbox();
        return withLock(id, () -> {
            store.insertPending(new SandboxStore.NewRow(
                    id,
                    teamId,
                    req.template(),
                    template.hostName(),
                    vcpus,
                    memoryMb,
                    req.timeoutSec(),
                    agent().address(),
                    req.metadata(),
                    req.ttlSec(),
                    req.onTimeout(),
                    req.autoResume(),
                    req.secure(),
                    req.publicTraffic()));
            if (!req.network().equals(EgressPolicy.OPEN)) store.setNetwork(id, req.network());
            var guest = new GuestSetup(
                    tokens.envd(id),
                    req.envVars(),
                    // A built template's USER and WORKDIR are its sandboxes' defaults, over the API's.
                    template.defaultUser() != null
                            ? template.defaultUser()
                            : req.guestUser().account(),
                    template.defaultWorkdir() != null
                            ? template.defaultWorkdir()
                            : req.guestUser().workdir());
            HostSandbox vm;
            try {
                vm = agent().create(id, template.hostName(), vcpus, memoryMb, req.diskMb(), req.network(), guest);
            } catch (HostAgentException e) {
                store.transition(
                        id, SandboxStatus.PENDING, SandboxStatus.ERROR, StatusReason.CREATE_FAILED, e.getMessage());
                // The agent may have created parts of the VM before failing; make sure nothing stays.
                destroyQuietly(id);
                throw e.toApi("creating the sandbox");
            }
            if (!store.markRunning(id, SandboxStatus.PENDING, vm.guestIp(), vm.hostIp(), vm.diskMb())) {
                // Only an operator's hand moves a pending row under its lock; the VM has no owner then.
                destroyQuietly(id);
                throw moved(id);
            }
            log.info("sandbox {} running ({} ms, {})", id, vm.bootMs(), vm.accel());
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
            destroyLocked(row, StatusReason.DESTROYED, null);
            return null;
        });
    }

    void destroyLocked(SandboxStore.Row row, StatusReason reason, String detail) {
        String id = row.id();
        interrupting.put(id, "destroyed");
        try {
            agent().destroy(id); // false: the host had nothing left, which is what destroy wants
            // From whatever status the row has now: its VM is gone in every case.
            store.markStopped(id, reason, detail);
        } catch (HostAgentException e) {
            throw e.toApi("destroying the sandbox");
        } finally {
            interrupting.remove(id);
        }
        log.info("sandbox {} destroyed ({})", id, reason.code());
    }

    /**
     * Replaces the egress policy of a running or paused sandbox (a paused one gets it at resume): the host
     * agent's copy first, then the row, so the row never claims a policy the host does not hold.
     */
    public SandboxView updateNetwork(String teamId, String id, EgressPolicy network) {
        return withLock(id, () -> {
            var row = row(teamId, id);
            if (row.status() != SandboxStatus.RUNNING && row.status() != SandboxStatus.PAUSED) {
                throw new ApiException(
                        ApiError.SANDBOX_NOT_RUNNING,
                        "sandbox '" + id + "' is " + row.status().wire() + ": only a running or paused sandbox"
                                + " has a network policy to change");
            }
            try {
                agent().updateNetwork(id, network);
            } catch (HostAgentException e) {
                throw e.toApi("updating the sandbox's network policy");
            }
            store.setNetwork(id, network);
            return store.get(teamId, id).orElseThrow().view();
        });
    }

    /** Saves the sandbox's state and releases its running resources; 409 unless running. */
    public SandboxView pause(String teamId, String id) {
        return withLock(id, () -> {
            var row = requireRunning(teamId, id);
            pauseLocked(row, StatusReason.PAUSED, null);
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
            pauseLocked(row, StatusReason.AUTO_PAUSED, "idle for " + row.view().timeoutSec() + " s");
            return true;
        });
    }

    void pauseLocked(SandboxStore.Row row, StatusReason reason, String detail) {
        interrupting.put(row.id(), "paused");
        try {
            agent().pause(row.id());
            boolean recorded = detail == null
                    ? store.transition(row.id(), SandboxStatus.RUNNING, SandboxStatus.PAUSED, reason)
                    : store.transition(row.id(), SandboxStatus.RUNNING, SandboxStatus.PAUSED, reason, detail);
            // The host holds the paused state either way; the reconciler brings a moved row in line.
            if (!recorded) throw moved(row.id());
        } catch (HostAgentException e) {
            throw e.toApi("pausing the sandbox");
        } finally {
            interrupting.remove(row.id());
        }
        log.info("sandbox {} paused ({})", row.id(), reason.code());
    }

    /** Restores a paused sandbox into a new VM; 409 unless paused. */
    public SandboxView resume(String teamId, String id) {
        return withLock(id, () -> {
            var row = row(teamId, id);
            if (row.status() != SandboxStatus.PAUSED) {
                throw new ApiException(
                        ApiError.SANDBOX_NOT_PAUSED,
                        "sandbox '" + id + "' is " + row.status().wire() + ", not paused");
            }
            resumeLocked(row);
            return store.get(teamId, id).orElseThrow().view();
        });
    }

    /** Restores the paused sandbox; its row becomes running with a fresh end when it has a time-to-live. */
    void resumeLocked(SandboxStore.Row row) {
        String id = row.id();
        store.checkRoomFor(row.teamId(), id);
        HostSandbox vm;
        try {
            vm = agent().resume(id);
        } catch (HostAgentException e) {
            throw e.toApi("resuming the sandbox");
        }
        // The VM runs either way; the reconciler brings a moved row in line with it.
        if (!store.markRunning(id, SandboxStatus.PAUSED, vm.guestIp(), vm.hostIp(), vm.diskMb())) throw moved(id);
        log.info("sandbox {} resumed", id);
    }

    /**
     * Runs {@code action} on a running sandbox under its lifecycle lock, then marks it stopped with
     * the reason: for saving a template, which consumes the sandbox. {@code doing} completes
     * "the sandbox was ... during the operation" for commands it cuts off.
     */
    public <T> T consume(
            String teamId,
            String id,
            String doing,
            StatusReason reason,
            String detail,
            Function<SandboxStore.Row, T> action) {
        return withLock(id, () -> {
            var row = requireRunning(teamId, id);
            interrupting.put(id, doing);
            try {
                T result = action.apply(row);
                // Its VM is gone, whatever the row did meanwhile.
                store.markStopped(id, reason, detail);
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
            var r = agent().exec(id, command.request(false), timeoutSec);
            store.touch(teamId, id);
            return ExecResult.of(
                    id, command.display(), r.stdout(), r.stderr(), r.exitCode(), r.durationMs(), r.timedOut());
        } catch (HostAgentException e) {
            throw failedCommand(teamId, id, e);
        }
    }

    /**
     * Runs one call into a running sandbox of the team (processes, file system): 404/409 before it
     * when the sandbox is unknown or not running, the sandbox's activity touched, and a failure
     * turned into the API error a client gets: the guest's own refusals ({@code notFound} for a
     * missing process or file) as they are, a sandbox that stopped meanwhile as 409.
     */
    public <T> T guestCall(
            String teamId, String id, String doing, ApiError notFound, Function<HostAgentClient, T> call) {
        if (!store.touch(teamId, id)) requireRunning(teamId, id);
        try {
            return call.apply(agent());
        } catch (HostAgentException e) {
            if (e.kind() == HostAgentException.Kind.NOT_FOUND && e.detail().contains("sandbox"))
                throw failedCommand(teamId, id, e);
            throw switch (e.kind()) {
                case NOT_FOUND -> new ApiException(notFound, e.detail());
                case INVALID, CONFLICT, PERMISSION_DENIED, CAPACITY, STORAGE -> e.toApi(doing);
                default -> failedCommand(teamId, id, e);
            };
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
            throw new ApiException(
                    ApiError.SANDBOX_NOT_RUNNING,
                    "sandbox '" + id + "' is " + row.status().wire() + ", not running");
        }
        return row;
    }

    /**
     * A command (or file transfer) failed at the host agent: if the sandbox stopped meanwhile,
     * that is the reason the caller gets; otherwise the agent's error.
     */
    public ApiException failedCommand(String teamId, String id, HostAgentException e) {
        String why = interrupting.get(id);
        if (why != null) {
            return new ApiException(
                    ApiError.SANDBOX_NOT_RUNNING, "sandbox '" + id + "' was " + why + " during the operation");
        }
        var now = store.get(teamId, id);
        if (now.isPresent() && now.get().status() != SandboxStatus.RUNNING) {
            return new ApiException(
                    ApiError.SANDBOX_NOT_RUNNING,
                    "sandbox '" + id + "' became " + now.get().status().wire() + " during the operation");
        }
        return e.toApi("running the command");
    }

    /** A row that left the state its lifecycle lock should have kept it in. */
    private static ApiException moved(String id) {
        return new ApiException(
                ApiError.CONFLICT, "sandbox '" + id + "' changed state during the operation; retry after a GET");
    }

    SandboxStore.Row row(String teamId, String id) {
        return store.get(teamId, id).orElseThrow(() -> ApiException.notFound("sandbox '" + id + "' not found"));
    }

    private void destroyQuietly(String id) {
        try {
            agent().destroy(id); // false, the usual answer: the agent already cleaned up
        } catch (HostAgentException e) {
            log.warn("could not destroy the VM of sandbox {}; the reconciler retries: {}", id, e.getMessage());
        }
    }

    <T> T withLock(String id, Supplier<T> action) {
        return locks.withLock(id, action);
    }

    /**
     * Runs {@code action} under the sandbox's lifecycle lock if no lifecycle operation holds it now;
     * returns false (and does nothing) if one does. For the reconciler: while a pause, resume,
     * template save or destroy is in flight, the host and the row legitimately disagree.
     */
    public boolean tryWithLock(String id, Runnable action) {
        return locks.tryWithLock(id, action);
    }
}
