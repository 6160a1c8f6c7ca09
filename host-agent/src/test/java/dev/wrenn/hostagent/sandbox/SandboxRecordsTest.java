package dev.wrenn.hostagent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable records round-trip exactly, are private to root, and a damaged one is refused whole. */
class SandboxRecordsTest {
    @TempDir
    Path tmp;

    private static final SandboxIdentity ID =
            new SandboxIdentity("sbx-1", "py", "minimal", 2, 768, 1_700_000_000_000L, "token-abcdefgh");

    @Test
    void runningAndPausedRecordsRoundTrip() throws Exception {
        var dir = new SandboxDir(tmp);
        Path base = tmp.resolve("base");
        var clone = new MemoryLayout(
                base, List.of(tmp.resolve("g1"), tmp.resolve("g2")), 1, tmp.resolve("templates/py/gen-1"));
        var running = new RunningRecord(ID, clone, 7, 4242);
        SandboxRecords.write(dir, running);
        assertThat(SandboxRecords.readRunning(dir)).isEqualTo(running);
        assertThat(Files.getPosixFilePermissions(dir.runningRecord()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        var paused = new PausedRecord(ID, MemoryLayout.own(), "snap-12", 1_700_000_000_500L);
        SandboxRecords.write(dir, paused);
        assertThat(SandboxRecords.readPaused(dir)).isEqualTo(paused);
        assertThat(Files.list(tmp).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("running.json", "paused.json");
    }

    @Test
    void damagedIncompleteOrNewerRecordsAreRefused() throws Exception {
        var dir = new SandboxDir(tmp);
        SandboxRecords.write(dir, new PausedRecord(ID, MemoryLayout.own(), "snap-1", 1));
        String good = Files.readString(dir.pausedRecord());

        for (String bad : List.of(
                "{not json",
                "[]",
                good.replace("\"token\":\"token-abcdefgh\"", "\"token\":\"\""),
                good.replace("\"id\":\"sbx-1\"", "\"id\":\"../../etc\""),
                good.replace("\"snapshot\":\"snap-1\"", "\"snapshot\":\"../x\""),
                good.replace("\"ram\":\"SHARED_FILE\"", "\"ram\":\"PRIVATE\""),
                good.replace("\"vcpus\":2", "\"vcpus\":0"),
                good.replace("\"version\":1", "\"version\":2"))) {
            Files.writeString(dir.pausedRecord(), bad);
            assertThatThrownBy(() -> SandboxRecords.readPaused(dir))
                    .as(bad)
                    .isInstanceOf(SandboxRecords.DamagedRecordException.class);
        }
        // The first layout had no version field: still read.
        Files.writeString(dir.pausedRecord(), good.replace("\"version\":1,", ""));
        assertThat(SandboxRecords.readPaused(dir).snapshot()).isEqualTo("snap-1");
    }

    @Test
    void aRunningRecordNeedsItsSlotAndVmm() throws Exception {
        var dir = new SandboxDir(tmp);
        SandboxRecords.write(dir, new RunningRecord(ID, MemoryLayout.own(), 3, 99));
        String good = Files.readString(dir.runningRecord());
        Files.writeString(dir.runningRecord(), good.replace("\"vmm_pid\":99", "\"vmm_pid\":0"));
        assertThatThrownBy(() -> SandboxRecords.readRunning(dir))
                .isInstanceOf(SandboxRecords.DamagedRecordException.class);
        Files.writeString(dir.runningRecord(), good.replace("\"slot\":3", "\"slot\":\"3\""));
        assertThatThrownBy(() -> SandboxRecords.readRunning(dir))
                .isInstanceOf(SandboxRecords.DamagedRecordException.class);
    }
}
