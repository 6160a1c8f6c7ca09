package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.host.HostAgentClient;
import dev.wrenn.hostagent.v1.DestroySandboxRequest;
import dev.wrenn.hostagent.v1.ListSandboxesRequest;
import dev.wrenn.hostagent.v1.SandboxState;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the database and the host agent in agreement. Each pass lists the VMs first and reads the
 * rows second, so a sandbox created in between is never mistaken for an orphan:
 * <ul>
 *   <li>a running row whose VM is gone (or failed) becomes {@code error} with reason {@code vm_lost};
 *   <li>a paused row whose saved state the host no longer holds becomes {@code error};
 *   <li>a VM (running or paused) that no pending, running or paused row owns is destroyed.
 * </ul>
 * A row is only marked under its sandbox's lifecycle lock, and skipped while a lifecycle operation
 * (pause, resume, snapshot, destroy) holds it: the host and the row disagree until it completes.
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
        var vms = agent.blocking()
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .listSandboxes(ListSandboxesRequest.getDefaultInstance())
                .getSandboxesList();
        var alive = new HashSet<String>();
        for (var vm : vms) {
            if (vm.getState() == SandboxState.SANDBOX_STATE_RUNNING || vm.getState() == SandboxState.SANDBOX_STATE_STARTING) {
                alive.add(vm.getSandboxId());
            }
        }
        var owned = new HashSet<String>();
        int[] lost = {0};
        var paused = new HashSet<String>();
        for (var vm : vms) if (vm.getState() == SandboxState.SANDBOX_STATE_PAUSED) paused.add(vm.getSandboxId());
        for (var row : store.inStates(SandboxStatus.PENDING, SandboxStatus.RUNNING, SandboxStatus.PAUSED)) {
            owned.add(row.id());
            boolean settledBeforeListing = row.view().lastUpdated().isBefore(listedAt);
            if (row.status() == SandboxStatus.PAUSED && settledBeforeListing && !paused.contains(row.id())) {
                guard.tryWithLock(row.id(), () -> {
                    if (store.transition(row.id(), SandboxStatus.PAUSED, SandboxStatus.ERROR, "snapshot_lost: the host no longer holds its paused state")) {
                        lost[0]++;
                        log.warn("sandbox {} lost its paused state; marked error", row.id());
                    }
                });
            }
            if (row.status() == SandboxStatus.RUNNING && settledBeforeListing && !alive.contains(row.id())) {
                guard.tryWithLock(row.id(), () -> {
                    if (store.transition(row.id(), SandboxStatus.RUNNING, SandboxStatus.ERROR, "vm_lost: the VM is no longer running on its host")) {
                        lost[0]++;
                        log.warn("sandbox {} lost its VM; marked error", row.id());
                    }
                });
            }
        }
        int orphans = 0;
        for (var vm : vms) {
            if (!owned.contains(vm.getSandboxId())) {
                try {
                    agent.blocking()
                            .withDeadlineAfter(60, TimeUnit.SECONDS)
                            .destroySandbox(DestroySandboxRequest.newBuilder().setSandboxId(vm.getSandboxId()).build());
                    orphans++;
                    log.warn("destroyed VM {} that no sandbox owns", vm.getSandboxId());
                } catch (StatusRuntimeException e) {
                    log.warn("could not destroy orphan VM {}: {}", vm.getSandboxId(), e.getStatus());
                }
            }
        }
        return new Result(lost[0], orphans);
    }

    public record Result(int lostVms, int destroyedOrphans) {}

    @Override
    public void close() {
        loop.close();
    }
}
