package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.host.HostAgentClient;
import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.host.HostSandbox;
import dev.wrenn.controlplane.host.HostState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the database and the host agent in agreement. Each pass lists the VMs first and reads the
 * rows second, so a sandbox created in between is never mistaken for an orphan (what a host state
 * means for a row is {@link HostStates}'s table):
 * <ul>
 *   <li>a row left behind by an operation that a server crash cut off takes the host's state: a
 *       running row whose pause the host committed becomes {@code paused}, a paused row whose
 *       resume the host finished becomes {@code running}, a pending row whose VM came up becomes
 *       {@code running}, and a pending row with no VM becomes {@code error} ({@code create_interrupted});
 *   <li>a running row whose VM is gone (or failed) becomes {@code error} with reason {@code vm_lost};
 *   <li>a paused row whose saved state the host no longer holds becomes {@code error};
 *   <li>a VM (running or paused) that no pending, running or paused row owns is destroyed.
 * </ul>
 * A row is only marked under its sandbox's lifecycle lock, and skipped while a lifecycle operation
 * (pause, resume, template save, destroy) holds it: the host and the row disagree until it completes.
 */
public final class Reconciler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final SandboxStore store;
    private final HostAgentClient agent;
    private final Periodic loop;
    private final Guard guard;

    /** Runs an action under a sandbox's lifecycle lock unless an operation holds it (then false). */
    @FunctionalInterface
    public interface Guard {
        boolean tryWithLock(String id, Runnable action);
    }

    public Reconciler(SandboxStore store, HostAgentClient agent, Duration interval, Guard guard) {
        this.store = store;
        this.agent = agent;
        this.guard = guard;
        this.loop = new Periodic("wrenn-reconciler", interval, this::reconcileOnce);
    }

    public void start() {
        loop.start();
    }

    /** One pass; returns what it changed, for tests and logs. */
    public Result reconcileOnce() {
        Instant listedAt = Instant.now();
        var vms = agent.list();
        var alive = new HashSet<String>();
        var owned = new HashSet<String>();
        int[] lost = {0};
        var paused = new HashSet<String>();
        var byId = new HashMap<String, HostSandbox>();
        for (var vm : vms) {
            byId.put(vm.id(), vm);
            if (HostStates.alive(vm.state())) alive.add(vm.id());
            if (HostStates.of(vm.state()) == SandboxStatus.PAUSED) paused.add(vm.id());
        }
        for (var row : store.inStates(SandboxStatus.PENDING, SandboxStatus.RUNNING, SandboxStatus.PAUSED)) {
            owned.add(row.id());
            boolean settledBeforeListing = row.view().lastUpdated().isBefore(listedAt);
            if (settledBeforeListing) adoptHostState(row, byId.get(row.id()));
            if (row.status() == SandboxStatus.PAUSED && settledBeforeListing && !paused.contains(row.id())) {
                guard.tryWithLock(row.id(), () -> {
                    if (store.transition(
                            row.id(),
                            SandboxStatus.PAUSED,
                            SandboxStatus.ERROR,
                            StatusReason.PAUSED_STATE_LOST,
                            "the host no longer holds its paused state")) {
                        lost[0]++;
                        log.warn("sandbox {} lost its paused state; marked error", row.id());
                    }
                });
            }
            if (row.status() == SandboxStatus.RUNNING && settledBeforeListing && !alive.contains(row.id())) {
                guard.tryWithLock(row.id(), () -> {
                    if (store.transition(
                            row.id(),
                            SandboxStatus.RUNNING,
                            SandboxStatus.ERROR,
                            StatusReason.VM_LOST,
                            "the VM is no longer running on its host")) {
                        lost[0]++;
                        log.warn("sandbox {} lost its VM; marked error", row.id());
                    }
                });
            }
        }
        int orphans = 0;
        for (var vm : vms) {
            if (!owned.contains(vm.id())) {
                try {
                    agent.destroy(vm.id());
                    orphans++;
                    log.warn("destroyed VM {} that no sandbox owns", vm.id());
                } catch (HostAgentException e) {
                    log.warn("could not destroy orphan VM {}: {}", vm.id(), e.getMessage());
                }
            }
        }
        return new Result(lost[0], orphans);
    }

    /**
     * An operation no longer running (nothing holds the row's lock) that left the row behind the
     * host: the server died between the host's answer and the row's update. The host's state is
     * the truth; the checks below then see an agreeing row.
     */
    private void adoptHostState(SandboxStore.Row row, HostSandbox vm) {
        HostState host = vm == null ? null : vm.state();
        boolean behind = switch (row.status()) {
            case RUNNING -> host == HostState.PAUSED;
            case PAUSED -> host == HostState.RUNNING;
            case PENDING -> host == HostState.RUNNING || host == null;
            default -> false;
        };
        if (!behind) return; // the common case: row and host agree, no lock needed
        guard.tryWithLock(row.id(), () -> {
            boolean moved = switch (row.status()) {
                case RUNNING ->
                    store.transition(
                            row.id(),
                            SandboxStatus.RUNNING,
                            SandboxStatus.PAUSED,
                            StatusReason.PAUSE_RECOVERED,
                            "the host completed a pause the server did not live to record");
                case PAUSED ->
                    store.markRunning(row.id(), SandboxStatus.PAUSED, vm.guestIp(), vm.hostIp(), vm.diskMb());
                case PENDING ->
                    host == HostState.RUNNING
                            ? store.markRunning(row.id(), SandboxStatus.PENDING, vm.guestIp(), vm.hostIp(), vm.diskMb())
                            : host == null
                                    && store.transition(
                                            row.id(),
                                            SandboxStatus.PENDING,
                                            SandboxStatus.ERROR,
                                            StatusReason.CREATE_INTERRUPTED,
                                            "the server stopped while the sandbox was being created");
                default -> false;
            };
            if (moved)
                log.warn(
                        "sandbox {} was {} but its host says {}: row brought in line",
                        row.id(),
                        row.status().wire(),
                        host);
        });
    }

    public record Result(int lostVms, int destroyedOrphans) {}

    @Override
    public void close() {
        loop.close();
    }
}
