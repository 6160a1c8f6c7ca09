package dev.wrenn.hostagent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a sandbox dir keeps after a pause commits and after a crash mid-pause (no VM, no root). */
class SandboxDirTest {
    @TempDir
    Path tmp;

    private static final SandboxIdentity ID = new SandboxIdentity("x", "t", "minimal", 1, 512, 1, "token-0123");

    @Test
    void aCommittedPauseDropsOlderSnapshotsAndUnlistedGenerationsOnly() throws Exception {
        var dir = new SandboxDir(tmp);
        Path keep = Files.createDirectories(tmp.resolve("snap-2"));
        Files.createDirectories(tmp.resolve("snap-1"));
        Path listed = Files.writeString(tmp.resolve("mem-1.diff"), "g");
        Path stray = Files.writeString(tmp.resolve("mem-2.diff"), "g");
        Files.writeString(dir.disk(), "disk");
        dir.deleteOtherSnapshots(keep, List.of(listed));
        assertThat(tmp.resolve("snap-1")).doesNotExist();
        assertThat(stray).doesNotExist();
        assertThat(keep).exists();
        assertThat(listed).exists();
        assertThat(dir.disk()).exists();
    }

    @Test
    void aRunningSandboxLosesWhatAnUncommittedPauseLeft() throws Exception {
        var dir = new SandboxDir(tmp);
        Files.createDirectories(tmp.resolve("snap-3.tmp"));
        Files.writeString(dir.pausedRecord(), "{}");
        Path own = Files.writeString(tmp.resolve("mem-1.diff"), "g");
        Path half = Files.writeString(tmp.resolve("mem-2.diff"), "half");
        Files.writeString(tmp.resolve("qmp.sock"), "");
        var rec = new RunningRecord(ID, new MemoryLayout(tmp.resolve("base"), List.of(own), 0, null), 0, 1);
        dir.tidyRunning(rec);
        assertThat(tmp.resolve("snap-3.tmp")).doesNotExist();
        assertThat(dir.pausedRecord()).doesNotExist();
        assertThat(half).doesNotExist();
        assertThat(own).exists();
        assertThat(tmp.resolve("qmp.sock")).as("the VMM lives on").exists();
    }

    @Test
    void aCommittedSnapshotIsNamedWithoutItsTmpSuffix() {
        var dir = new SandboxDir(tmp);
        Path t = dir.newSnapshot();
        assertThat(t.getFileName().toString()).matches("snap-[0-9]+\\.tmp");
        assertThat(SandboxDir.committedSnapshot(t).getFileName().toString()).matches("snap-[0-9]+");
    }
}
