package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.network.NetworkSlot;
import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.hostagent.vm.Snapshottable;
import dev.wrenn.hostagent.vm.Snapshottable.RamMode;
import dev.wrenn.hostagent.vm.Vm;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses a running sandbox to disk and resumes it. A pause writes the device state (and a clone's
 * changed RAM as a new memory generation), then the paused record that commits it, and only then
 * releases the running VM; a failed pause leaves the sandbox running. A resume starts a VM from the
 * committed state; until the guest runs again, a failed resume leaves the sandbox paused.
 */
final class SandboxPauser {
    private static final Logger log = LoggerFactory.getLogger(SandboxPauser.class);
    /** Free space a pause needs besides any RAM diff it writes (device state is ~100 KB). */
    private static final long PAUSE_SPACE_MARGIN = 16L << 20;

    private final Lifecycle l;
    private final GenerationPolicy generations;

    SandboxPauser(Lifecycle lifecycle, GenerationPolicy generations) {
        this.l = lifecycle;
        this.generations = generations;
    }

    private Snapshottable engine(String what) throws SandboxException {
        if (l.engine() instanceof Snapshottable s) return s;
        throw new SandboxException(
                SandboxException.Reason.WRONG_STATE, "engine " + l.engine().name() + " cannot " + what);
    }

    Sandbox pause(String id) throws SandboxException, InterruptedException {
        Sandbox sb = l.registry().get(id);
        Snapshottable engine = engine("pause");
        if (!sb.guestWarm() && sb.state() == SandboxState.RUNNING) {
            // Warm the guest agent's /init path (clock and entropy) now, while it runs, so that every resume
            // (and every clone of a template made from this state) finds them compiled.
            try {
                sb.guest().restored(System.currentTimeMillis(), GuestReadiness.seed(), null);
                sb.guestWarmed();
            } catch (IOException e) {
                throw new SandboxException(
                        SandboxException.Reason.HOST_ERROR, "pause of " + id + ": guest agent: " + e.getMessage(), e);
            }
        }
        if (!sb.moveTo(SandboxState.PAUSING)) {
            throw new SandboxException(
                    SandboxException.Reason.WRONG_STATE,
                    "sandbox " + id + " is " + sb.state().name().toLowerCase() + ", not running");
        }
        long t0 = System.nanoTime();
        SandboxDir dir = sb.files();
        MemoryLayout before = sb.memory();
        RamMode mode = before.ram();
        Path tmp = dir.newSnapshot();
        int keep = generations.keptAtPause(before);
        Path diff = dir.newMemoryGeneration();
        long[] stored = {0};
        MemoryLayout after;
        try {
            long free = Files.getFileStore(dir.path()).getUsableSpace();
            if (free < PAUSE_SPACE_MARGIN) {
                throw new Snapshottable.DiskFullException(
                        "no space left on the host's disk for the sandbox state: " + (free >> 20) + " MB free, "
                                + (PAUSE_SPACE_MARGIN >> 20) + " MB needed; the sandbox keeps running",
                        null);
            }
            Files.createDirectories(tmp);
            Snapshottable.Hook capture =
                    mode == RamMode.SHARED_FILE ? null : v -> stored[0] = CloneMemory.capture(sb, v, keep, diff);
            engine.save(sb.vm(), tmp.resolve("state"), mode, capture);
            List<Path> chain = new ArrayList<>(before.chain().subList(0, keep));
            if (mode == RamMode.PRIVATE) chain.add(diff.toAbsolutePath().normalize());
            after = before.withChain(chain);
            Path done = SandboxDir.committedSnapshot(tmp);
            Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE);
            SandboxRecords.write(
                    dir,
                    new PausedRecord(sb.identity(), after, done.getFileName().toString(), System.currentTimeMillis()));
            sb.memory(after);
            dir.deleteOtherSnapshots(done, after.chain());
        } catch (IOException | RuntimeException e) {
            DurableFiles.deleteQuietly(tmp);
            DurableFiles.deleteQuietly(diff);
            sb.moveTo(SandboxState.RUNNING);
            if (e instanceof Snapshottable.DiskFullException) {
                throw new SandboxException(
                        SandboxException.Reason.CAPACITY, "pause of " + id + " failed: " + e.getMessage(), e);
            }
            throw new SandboxException(
                    SandboxException.Reason.HOST_ERROR,
                    "pause of " + id + " failed (the sandbox keeps running): " + e.getMessage(),
                    e);
        }
        long saved = System.nanoTime();
        // From here the paused record is the truth: release what the running VM held.
        Sandbox.Live live = sb.stopRunning();
        List<Exception> errors = live.runtime().runAll();
        try {
            Files.deleteIfExists(dir.runningRecord());
        } catch (IOException e) {
            errors.add(e); // harmless: the paused record wins at the next start
        }
        if (!errors.isEmpty()) log.warn("pause of {}: releasing the runtime had {} error(s)", id, errors.size());
        sb.moveTo(SandboxState.PAUSED);
        log.info(
                "sandbox {} paused ({}{}): state saved in {} ms, released in {} ms",
                id,
                mode,
                mode == RamMode.PRIVATE
                        ? ", memory generation " + after.chain().size() + " with " + stored[0] + " changed page(s)"
                                + (keep < before.chain().size() ? ", own generations compacted" : "")
                        : "",
                Lifecycle.ms(saved - t0),
                Lifecycle.ms(System.nanoTime() - saved));
        return sb;
    }

    Sandbox resume(String id) throws SandboxException, InterruptedException {
        Sandbox sb = l.registry().get(id);
        Snapshottable engine = engine("resume");
        if (!sb.moveTo(SandboxState.RESUMING)) {
            throw new SandboxException(
                    SandboxException.Reason.WRONG_STATE,
                    "sandbox " + id + " is " + sb.state().name().toLowerCase() + ", not paused");
        }
        long t0 = System.nanoTime();
        SandboxDir dir = sb.files();
        Teardown rt = new Teardown("sandbox " + id + " runtime");
        boolean committed = false;
        try {
            PausedRecord rec = SandboxRecords.readPaused(dir);
            RamMode mode = rec.memory().ram();
            // What the disk already holds is on the host; the rest of it may still be written after the resume.
            if (sb.diskMb() > 0) {
                l.settings()
                        .disk()
                        .checkFree(
                                dir.path(),
                                sb.diskMb(),
                                DurableFiles.diskUsage(dir.disk()),
                                "resuming sandbox " + id + " (it stays paused)");
            }
            l.capacity().reserve(sb.vcpus(), sb.memoryMb());
            rt.add("capacity", () -> l.capacity().release(sb.vcpus(), sb.memoryMb()));
            NetworkSlot slot = l.slots().lease(rt);
            l.applyPolicy(sb, slot, rt);
            long tPrepared = System.nanoTime();
            HttpClient http = GuestAgentClient.newHttpClient();
            rt.add("guest agent client", http::shutdownNow);
            boolean shared = mode == RamMode.SHARED_FILE;
            var spec =
                    l.restoreSpec(sb, slot, shared ? dir.memory() : sb.memory().base(), shared, true);
            Vm vm = engine.restore(
                    spec, dir.state(rec.snapshot()), mode, rt, shared ? null : v -> CloneMemory.apply(sb, v), v -> {
                        // The guest is about to run and change its RAM: the paused state is no longer
                        // valid. From now on it is a running sandbox (adopted if this agent dies).
                        SandboxRecords.write(dir, new RunningRecord(sb.identity(), sb.memory(), slot.index(), v.pid()));
                        Files.deleteIfExists(dir.pausedRecord());
                        DurableFiles.fsync(dir.path());
                    });
            committed = true;
            long tRestored = System.nanoTime();
            GuestAgentClient client = new GuestAgentClient(http, slot.slotAddress(), GuestAgentClient.PORT, sb.token());
            client = GuestReadiness.restored(l.settings().readyTimeout(), null)
                    .await(sb, vm, client, SandboxState.RESUMING);
            long tReady = System.nanoTime();
            sb.guestWarmed();
            var timing = new Sandbox.Timing(
                    Lifecycle.ms(tReady - t0), Lifecycle.ms(tPrepared - t0), Lifecycle.ms(tReady - tPrepared));
            sb.run(Sandbox.Live.of(id, slot, vm, client, rt), timing);
            dir.deleteOtherSnapshots(null, sb.memory().chain());
            if (!sb.moveTo(SandboxState.RUNNING))
                throw new SandboxException(
                        SandboxException.Reason.WRONG_STATE, "sandbox " + id + " changed state while resuming");
            log.info(
                    "sandbox {} resumed ({}): slot {}, {} ms (prepare {} ms, restore {} ms, guest agent answering"
                            + " /init {} ms)",
                    id,
                    mode,
                    slot.index(),
                    timing.totalMs(),
                    timing.prepareMs(),
                    Lifecycle.ms(tRestored - tPrepared),
                    Lifecycle.ms(tReady - tRestored));
            return sb;
        } catch (SandboxException | InterruptedException | IOException | RuntimeException e) {
            rt.runAll();
            sb.stopRunning();
            if (!committed && Files.exists(dir.pausedRecord())) {
                sb.moveTo(SandboxState.PAUSED);
            } else {
                sb.moveTo(SandboxState.FAILED);
            }
            if (e instanceof SandboxException se) throw se;
            if (e instanceof InterruptedException ie) throw ie;
            throw new SandboxException(
                    SandboxException.Reason.HOST_ERROR,
                    "resume of " + id + " failed" + (sb.state() == SandboxState.PAUSED ? " (still paused)" : "") + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
