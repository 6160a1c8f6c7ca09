package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.network.NetworkSlot;
import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.hostagent.vm.Adoptable;
import dev.wrenn.hostagent.vm.Vm;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over the sandboxes a previous agent left when it died, as the reclaimer found them: paused
 * ones (their paused record) come back PAUSED; running ones whose VMM lives on come back RUNNING on
 * the same slot, VMM and token (a guest stopped by a pause that never committed is continued). A
 * running one that cannot be taken over is destroyed; a paused one stays on disk.
 */
final class SandboxAdopter {
    private static final Logger log = LoggerFactory.getLogger(SandboxAdopter.class);

    private final Lifecycle l;

    SandboxAdopter(Lifecycle lifecycle) {
        this.l = lifecycle;
    }

    void adopt(List<Path> pausedDirs, List<Path> runningDirs) {
        for (Path d : pausedDirs) adoptPaused(new SandboxDir(d));
        for (Path d : runningDirs) adoptRunning(new SandboxDir(d));
    }

    private Sandbox sandbox(SandboxDir dir, SandboxIdentity id, MemoryLayout memory, SandboxState state)
            throws SandboxException {
        return new Sandbox(id, l.images().get(id.image()), dir, memory, new Teardown("sandbox " + id.id()), state);
    }

    private void adoptPaused(SandboxDir dir) {
        try {
            PausedRecord rec = SandboxRecords.readPaused(dir);
            Sandbox sb = sandbox(dir, rec.identity(), rec.memory(), SandboxState.PAUSED);
            if (!l.registry().add(sb)) return;
            sb.teardown.add("dir " + dir.path(), dir::delete);
            log.info("adopted paused sandbox {} from {}", sb.id(), dir.path());
        } catch (IOException | SandboxException | RuntimeException e) {
            log.warn("cannot adopt paused sandbox in {}: {}", dir.path(), e.getMessage());
        }
    }

    private void adoptRunning(SandboxDir dir) {
        Teardown rt = new Teardown("adopted runtime of " + dir.name());
        Sandbox sb = null;
        boolean registered = false;
        try {
            if (!(l.engine() instanceof Adoptable engine)) {
                throw new IOException("engine " + l.engine().name() + " cannot adopt running VMs");
            }
            RunningRecord rec = SandboxRecords.readRunning(dir);
            sb = sandbox(dir, rec.identity(), rec.memory(), SandboxState.STARTING);
            if (!l.registry().add(sb)) throw new IOException("sandbox " + sb.id() + " exists twice");
            registered = true;
            sb.teardown.add("dir " + dir.path(), dir::delete);
            sb.guestWarmed(); // it served the pause path before, or was a clone
            int vcpus = sb.vcpus();
            int memoryMb = sb.memoryMb();
            l.capacity().reserve(vcpus, memoryMb);
            rt.add("capacity", () -> l.capacity().release(vcpus, memoryMb));
            NetworkSlot slot = l.slots().adopt(rec.slot(), rt);
            l.applyPolicy(sb, slot, rt);
            HttpClient http = GuestAgentClient.newHttpClient();
            rt.add("guest agent client", http::shutdownNow);
            MemoryLayout m = rec.memory();
            boolean shared = m.base() == null;
            var spec = l.restoreSpec(sb, slot, shared ? dir.memory() : m.base(), shared, false);
            Vm vm = engine.adopt(spec, rec.vmmPid(), rt);
            GuestAgentClient client = new GuestAgentClient(http, slot.slotAddress(), GuestAgentClient.PORT, sb.token());
            GuestReadiness.booted(l.settings().readyTimeout()).await(sb, vm, client, SandboxState.STARTING);
            sb.run(Sandbox.Live.of(sb.id(), slot, vm, client, rt), sb.timing());
            if (!sb.moveTo(SandboxState.RUNNING)) throw new IOException("state changed while adopting");
            log.info("adopted running sandbox {}: slot {}, VMM pid {}", sb.id(), rec.slot(), vm.pid());
        } catch (IOException | SandboxException | RuntimeException | InterruptedException e) {
            log.warn("cannot adopt running sandbox in {} (destroying it): {}", dir.path(), e.getMessage());
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            rt.runAll();
            // Its VMM may not have been taken over (no teardown held it): find it and kill it.
            new Reclaimer(
                            l.engine().processes(),
                            l.settings().prefix(),
                            l.settings().sandboxesDir())
                    .killVmmOf(dir);
            if (registered) {
                l.registry().release(sb, null, "adoption");
            } else if (!DurableFiles.deleteQuietly(dir.path())) {
                log.warn("deleting {} failed", dir.path());
            }
        }
    }
}
