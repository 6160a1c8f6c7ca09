package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.hostagent.host.HostCommand;
import dev.wrenn.hostagent.sandbox.DiskPolicy;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.SandboxState;
import dev.wrenn.proto.hostagent.v1.SnapshotSandboxRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A pause on a full disk: RESOURCE_EXHAUSTED with a clear message, and the sandbox keeps running with
 * its processes and files: refused up front (too little space for any pause), and failing half-way
 * (a clone's memory generation does not fit). The agent's data dir is a small tmpfs filled up by the
 * test. One boot.
 */
class SandboxPauseDiskFullIT {
    @Test
    void pauseOnAFullDiskFailsCleanlyAndTheSandboxKeepsRunning() throws Exception {
        Path mnt = Files.createTempDirectory("wrenn-it-full-");
        HostCommand.check("mount", "-t", "tmpfs", "-o", "size=1600m", "wrenn-it-full", mnt.toString());
        Path data = Files.createDirectory(mnt.resolve("data"));
        // This file system is deliberately too small for the default disk budget (a 2048 MiB disk, 1024 MiB kept
        // free): the smallest disk (the image's rootfs) and no reserve, so the pause path is what runs out.
        try (AgentFixture f = AgentFixture.start(TestImages.dir(), data, new DiskPolicy(512, 32768, 0))) {
            f.create("full-1");
            exec(f, "echo kept > /root/kept && sync");
            // Fill the file system to below what a pause needs (16 MB), leaving ~12 MB: the guest's RAM
            // file is sparse, and a guest touching a new page on a really full disk would get SIGBUS.
            Path filler = data.resolve("filler");
            fillLeaving(filler, 12);
            try {
                f.blocking
                        .withDeadlineAfter(60, TimeUnit.SECONDS)
                        .pauseSandbox(PauseSandboxRequest.newBuilder()
                                .setSandboxId("full-1")
                                .build());
                throw new AssertionError("pause on a full disk succeeded");
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(e.getStatus().getDescription())
                        .contains("no space left")
                        .contains("keeps running");
            }
            var sb = f.blocking.getSandbox(dev.wrenn.proto.hostagent.v1.GetSandboxRequest.newBuilder()
                    .setSandboxId("full-1")
                    .build());
            assertThat(sb.getState()).isEqualTo(SandboxState.SANDBOX_STATE_RUNNING);
            assertThat(exec(f, "cat /root/kept")).isEqualTo("kept");
            // With space again, the same sandbox pauses and resumes.
            Files.delete(filler);
            f.blocking
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .pauseSandbox(PauseSandboxRequest.newBuilder()
                            .setSandboxId("full-1")
                            .build());
            f.blocking
                    .withDeadlineAfter(120, TimeUnit.SECONDS)
                    .resumeSandbox(ResumeSandboxRequest.newBuilder()
                            .setSandboxId("full-1")
                            .build());
            assertThat(exec(f, "cat /root/kept")).isEqualTo("kept");

            // Half-way: a clone that changed 48 MB of RAM, with room for the checks (16 MB) but not for
            // its memory generation. The write fails with ENOSPC after the VM was stopped.
            f.blocking
                    .withDeadlineAfter(180, TimeUnit.SECONDS)
                    .snapshotSandbox(SnapshotSandboxRequest.newBuilder()
                            .setSandboxId("full-1")
                            .setName("full-tpl")
                            .build());
            f.blocking
                    .withDeadlineAfter(120, TimeUnit.SECONDS)
                    .createSandbox(CreateSandboxRequest.newBuilder()
                            .setSandboxId("full-2")
                            .setTemplate("full-tpl")
                            .build());
            String sum = exec(f, "full-2", "head -c 50331648 /dev/urandom > /dev/shm/blob && sha256sum /dev/shm/blob");
            fillLeaving(filler, 30);
            Path dir = f.agent.config().sandboxesDir().resolve(AgentFixture.PREFIX + "full-2");
            try {
                f.blocking
                        .withDeadlineAfter(60, TimeUnit.SECONDS)
                        .pauseSandbox(PauseSandboxRequest.newBuilder()
                                .setSandboxId("full-2")
                                .build());
                throw new AssertionError("pause of a clone on a full disk succeeded");
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(e.getStatus().getDescription())
                        .contains("no space left")
                        .contains("keeps running");
            }
            assertThat(f.blocking
                            .getSandbox(dev.wrenn.proto.hostagent.v1.GetSandboxRequest.newBuilder()
                                    .setSandboxId("full-2")
                                    .build())
                            .getState())
                    .isEqualTo(SandboxState.SANDBOX_STATE_RUNNING);
            try (var s = Files.list(dir)) {
                // nothing half-written is left behind
                assertThat(s.map(p -> p.getFileName().toString()).toList())
                        .noneMatch(n -> n.endsWith(".diff") || n.startsWith("snap-") || n.equals("paused.json"));
            }
            assertThat(exec(f, "full-2", "sha256sum /dev/shm/blob")).isEqualTo(sum);
            Files.delete(filler);
            f.blocking
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .pauseSandbox(PauseSandboxRequest.newBuilder()
                            .setSandboxId("full-2")
                            .build());
            f.blocking
                    .withDeadlineAfter(120, TimeUnit.SECONDS)
                    .resumeSandbox(ResumeSandboxRequest.newBuilder()
                            .setSandboxId("full-2")
                            .build());
            assertThat(exec(f, "full-2", "sha256sum /dev/shm/blob")).isEqualTo(sum);
        } finally {
            HostCommand.run("umount", "-l", mnt.toString());
            Files.deleteIfExists(mnt);
        }
    }

    /** Grows {@code filler} until about {@code mb} MB are left free on its file system. */
    static void fillLeaving(Path filler, long mb) throws Exception {
        long free = Files.getFileStore(filler.getParent()).getUsableSpace();
        try (RandomAccessFile raf = new RandomAccessFile(filler.toFile(), "rw")) {
            raf.seek(raf.length());
            byte[] block = new byte[1 << 20];
            for (long i = 0; i < (free >> 20) - mb; i++) raf.write(block);
        }
    }

    static String exec(AgentFixture f, String script) {
        return exec(f, "full-1", script);
    }

    static String exec(AgentFixture f, String id, String script) {
        var r = f.blocking
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(id)
                        .setCmd("sh")
                        .addArgs("-c")
                        .addArgs(script)
                        .build());
        assertThat(r.getExitCode()).isZero();
        return r.getStdout().toStringUtf8().strip();
    }
}
