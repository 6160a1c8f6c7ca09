package dev.wrenn.hostagent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.hostagent.vm.QemuProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up sweep keeps completely paused sandboxes and nothing else (no VM, no root needed). */
class ReclaimerPausedTest {
    @TempDir
    Path sandboxes;

    private Path sandbox(String name) throws Exception {
        Path d = Files.createDirectories(sandboxes.resolve(name));
        Files.writeString(d.resolve("rootfs.qcow2"), "disk");
        Files.writeString(d.resolve("memory"), "ram");
        return d;
    }

    private static final SandboxIdentity ID =
            new SandboxIdentity("x", "minimal", "minimal", 1, 512, 1, "token-0123456789");

    private static void record(Path d, String snap, String ram) throws Exception {
        if (ram.equals("SHARED_FILE")) {
            SandboxRecords.write(new SandboxDir(d), new PausedRecord(ID, MemoryLayout.own(), snap, 2));
            return;
        }
        // Not a mode this agent knows: written by hand, as a damaged or foreign record would be.
        Files.writeString(
                d.resolve(SandboxDir.PAUSED_RECORD),
                "{\"version\":1,\"id\":\"x\",\"template\":\"minimal\",\"image\":\"minimal\",\"vcpus\":1,"
                        + "\"memory_mb\":512,\"token\":\"t0123456789\",\"snapshot\":\"" + snap + "\",\"ram\":\""
                        + ram + "\"}");
    }

    private static void tidy(Path d) throws Exception {
        var dir = new SandboxDir(d);
        dir.tidyPaused(SandboxRecords.readPaused(dir), QemuProcesses.INSTANCE);
    }

    @Test
    void completePauseIsKeptAndTidied() throws Exception {
        Path d = sandbox("wrt-ok");
        Files.createDirectories(d.resolve("snap-1"));
        Files.writeString(d.resolve("snap-1").resolve("state"), "s");
        Files.createDirectories(d.resolve("snap-2.tmp")); // a later pause that never committed
        Files.createDirectories(d.resolve("snap-0")); // an older snapshot
        Files.writeString(d.resolve("qmp.sock"), "");
        record(d, "snap-1", "SHARED_FILE");
        assertThat(Reclaimer.isCompletePause(d)).isTrue();
        tidy(d);
        assertThat(d.resolve("snap-1").resolve("state")).exists();
        assertThat(d.resolve("snap-2.tmp")).doesNotExist();
        assertThat(d.resolve("snap-0")).doesNotExist();
        assertThat(d.resolve("qmp.sock")).doesNotExist();
        assertThat(d.resolve("memory")).exists();
        assertThat(d.resolve("rootfs.qcow2")).exists();
    }

    @Test
    void uncommittedOrBrokenPausesAreNotKept() throws Exception {
        Path running = sandbox("wrt-run");
        Files.createDirectories(running.resolve("snap-5.tmp"));
        Files.writeString(running.resolve("snap-5.tmp").resolve("state"), "half");
        assertThat(Reclaimer.isCompletePause(running)).isFalse();

        Path missingState = sandbox("wrt-nostate");
        record(missingState, "snap-9", "SHARED_FILE");
        assertThat(Reclaimer.isCompletePause(missingState)).isFalse();

        Path missingRam = sandbox("wrt-noram");
        Files.createDirectories(missingRam.resolve("snap-1"));
        Files.writeString(missingRam.resolve("snap-1").resolve("state"), "s");
        record(missingRam, "snap-1", "SHARED_FILE");
        Files.delete(missingRam.resolve("memory"));
        assertThat(Reclaimer.isCompletePause(missingRam)).isFalse();
        // An unknown RAM mode is not a complete pause.
        record(missingRam, "snap-1", "IN_STREAM");
        assertThat(Reclaimer.isCompletePause(missingRam)).isFalse();

        Path garbage = sandbox("wrt-garbage");
        Files.writeString(garbage.resolve(SandboxDir.PAUSED_RECORD), "{not json");
        assertThat(Reclaimer.isCompletePause(garbage)).isFalse();
    }

    @Test
    void aPausedCloneNeedsItsBaseAndEveryGenerationAndLosesStrayOnes() throws Exception {
        Path base = Files.writeString(sandboxes.resolve("template-memory"), "base");
        Path d = sandbox("wrt-clone");
        Files.delete(d.resolve("memory")); // a clone has no RAM file of its own
        Files.createDirectories(d.resolve("snap-1"));
        Files.writeString(d.resolve("snap-1").resolve("state"), "s");
        Path g1 = Files.writeString(d.resolve("mem-1.diff"), "g1");
        Path g2 = Files.writeString(d.resolve("mem-2.diff"), "g2");
        Path stray = Files.writeString(d.resolve("mem-3.diff"), "a pause that never committed");
        SandboxRecords.write(
                new SandboxDir(d), new PausedRecord(ID, new MemoryLayout(base, List.of(g1, g2), 0, null), "snap-1", 2));
        assertThat(Reclaimer.isCompletePause(d)).isTrue();
        tidy(d);
        assertThat(g1).exists();
        assertThat(g2).exists();
        assertThat(stray).doesNotExist();

        Files.delete(g1);
        assertThat(Reclaimer.isCompletePause(d)).isFalse();
        Files.writeString(g1, "g1");
        Files.delete(base);
        assertThat(Reclaimer.isCompletePause(d)).isFalse();
    }
}
