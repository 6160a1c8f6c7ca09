package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.ExecResponse;
import dev.wrenn.proto.hostagent.v1.GetSandboxRequest;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import dev.wrenn.proto.hostagent.v1.SnapshotSandboxRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A sandbox's root disk has the size it was created with: the guest's file system fills exactly that
 * disk, writing past it is ENOSPC in the guest while the host's overlay file stays within the size (plus
 * qcow2 metadata), and pause/resume keeps it. A clone starts at its template's size, grows when it asks
 * for more, and cannot shrink below it. One cold boot, one clone.
 */
class SandboxDiskIT {
    private static final long MIB = 1 << 20;
    /** Room for a fill of several hundred MiB above the guest image's content (about 700 MiB with its Python stack). */
    private static final int DISK_MB = 1536;

    private static final int GROWN_MB = 2048;

    @Test
    void theGuestGetsItsDiskAndNoMore() throws Exception {
        try (AgentFixture f = AgentFixture.start()) {
            Sandbox sb = create(f, "disk-1", null, DISK_MB);
            assertThat(sb.getDiskMb()).isEqualTo(DISK_MB);
            assertDisk(f, "disk-1", DISK_MB);

            // A write that fits succeeds (the probe works), then filling the disk stops at ENOSPC.
            assertThat(sh(f, "disk-1", "echo small > /root/small && sync && cat /root/small")
                            .getExitCode())
                    .isZero();
            ExecResponse fill = sh(f, "disk-1", "dd if=/dev/zero of=/root/fill bs=1M conv=fsync 2>&1; echo rc=$?");
            String out = fill.getStdout().toStringUtf8();
            assertThat(out).contains("No space left on device").doesNotContain("rc=0");
            long filledMb = Long.parseLong(sh(f, "disk-1", "du -m /root/fill | cut -f1")
                    .getStdout()
                    .toStringUtf8()
                    .strip());
            assertThat(filledMb).as("the guest could write what its disk holds").isGreaterThan(300);
            Path overlay = f.agent
                    .config()
                    .sandboxesDir()
                    .resolve(AgentFixture.PREFIX + "disk-1")
                    .resolve("rootfs.qcow2"); // SandboxDir.DISK
            // The host's cost is bounded by the disk's size: data at most DISK_MB, metadata a few MiB.
            assertThat(DurableFiles.diskUsage(overlay)).isLessThanOrEqualTo(DISK_MB * MIB + 16 * MIB);
            assertThat(DurableFiles.diskUsage(overlay))
                    .as("the fill really reached the host")
                    .isGreaterThan(300 * MIB);
            assertThat(sh(f, "disk-1", "rm /root/fill && sync && cat /root/small")
                            .getStdout()
                            .toStringUtf8())
                    .isEqualTo("small\n");

            // Pause and resume: the same disk, the same size.
            f.blocking
                    .withDeadlineAfter(120, TimeUnit.SECONDS)
                    .pauseSandbox(PauseSandboxRequest.newBuilder()
                            .setSandboxId("disk-1")
                            .build());
            Sandbox resumed = f.blocking
                    .withDeadlineAfter(150, TimeUnit.SECONDS)
                    .resumeSandbox(ResumeSandboxRequest.newBuilder()
                            .setSandboxId("disk-1")
                            .build());
            assertThat(resumed.getDiskMb()).isEqualTo(DISK_MB);
            assertDisk(f, "disk-1", DISK_MB);

            f.blocking
                    .withDeadlineAfter(300, TimeUnit.SECONDS)
                    .snapshotSandbox(SnapshotSandboxRequest.newBuilder()
                            .setSandboxId("disk-1")
                            .setName("disk-tpl")
                            .build());
            // Smaller than the template's file system: refused before anything starts.
            assertThatThrownBy(() -> create(f, "disk-small", "disk-tpl", 512))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription()).contains("smaller than", Integer.toString(DISK_MB));
                    });
            assertThat(Files.exists(f.agent.config().sandboxesDir().resolve(AgentFixture.PREFIX + "disk-small")))
                    .isFalse();
            // Larger: the clone's disk and its file system grow while it runs.
            Sandbox clone = create(f, "disk-2", "disk-tpl", GROWN_MB);
            assertThat(clone.getDiskMb()).isEqualTo(GROWN_MB);
            assertDisk(f, "disk-2", GROWN_MB);
            assertThat(sh(f, "disk-2", "cat /root/small").getStdout().toStringUtf8())
                    .isEqualTo("small\n");
            assertThat(f.blocking
                            .getSandbox(GetSandboxRequest.newBuilder()
                                    .setSandboxId("disk-2")
                                    .build())
                            .getDiskMb())
                    .isEqualTo(GROWN_MB);
        }
    }

    /** The guest's block device is {@code mb} MiB and its root file system spans nearly all of it. */
    private static void assertDisk(AgentFixture f, String id, int mb) {
        String[] v = sh(f, id, "cat /sys/block/vda/size; df -k / | tail -1 | tr -s ' ' | cut -d' ' -f2")
                .getStdout()
                .toStringUtf8()
                .strip()
                .split("\\s+");
        assertThat(Long.parseLong(v[0])).as("sectors of /dev/vda").isEqualTo((long) mb * 2048);
        long fsKib = Long.parseLong(v[1]);
        // ext4 keeps its journal and tables out of df's total: a few percent.
        assertThat(fsKib).as("root file system KiB").isBetween(mb * 1024L * 9 / 10, mb * 1024L);
    }

    static Sandbox create(AgentFixture f, String id, String template, int diskMb) {
        var b = CreateSandboxRequest.newBuilder().setSandboxId(id).setDiskMb(diskMb);
        if (template != null) b.setTemplate(template);
        else b.setMemoryMb(512);
        return f.blocking.withDeadlineAfter(200, TimeUnit.SECONDS).createSandbox(b.build());
    }

    static ExecResponse sh(AgentFixture f, String id, String script) {
        return f.blocking
                .withDeadlineAfter(180, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(id)
                        .setCmd("sh")
                        .addArgs("-c")
                        .addArgs(script)
                        .setTimeoutMs(170_000)
                        .build());
    }
}
