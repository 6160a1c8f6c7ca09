package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.hostagent.vm.GuestImage;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.ListSandboxesRequest;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.SnapshotSandboxRequest;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A guest that resets itself while it boots (QEMU, run with -no-reboot, then exits 0): the agent
 * boots it once more on a fresh overlay, and when that resets too the create fails saying so, with
 * what the guest printed (a kernel panic's line reaches the console at loglevel=1), and leaves
 * nothing behind. Real VMs from images that differ from the default only in their command line.
 */
class GuestResetIT {
    static Path images;
    static AgentFixture fx;

    @BeforeAll
    static void start() throws Exception {
        Path base = TestImages.dir();
        images = Files.createTempDirectory("wrenn-reset-images-");
        Files.createSymbolicLink(images.resolve("minimal"), base);
        // The initramfs waits about a second for a root disk that never appears, says so and reboots.
        image(base, "no-root", "root=/dev/vdz");
        // No initramfs init: the kernel looks for a root it has no driver for and panics, which
        // panic=-1 turns into a reset.
        image(base, "panics", "rdinit=/nonexistent");
        fx = AgentFixture.start(images);
    }

    static void image(Path base, String name, String extra) throws IOException {
        Path d = Files.createDirectories(images.resolve(name));
        for (String f : List.of("vmlinux", "initramfs.cpio", "rootfs.ext4"))
            Files.createSymbolicLink(d.resolve(f), base.resolve(f));
        String cmdline = GuestImage.load("minimal", base).baseCmdline() + " " + extra;
        Files.writeString(d.resolve("manifest.json"), "{\"cmdline\": \"" + cmdline + "\"}");
    }

    @AfterAll
    static void stop() throws Exception {
        if (fx != null) fx.close();
        if (images != null) dev.wrenn.hostagent.storage.DurableFiles.deleteTree(images);
    }

    static StatusRuntimeException failedCreate(String id, String template) {
        try {
            fx.blocking
                    .withDeadlineAfter(150, TimeUnit.SECONDS)
                    .createSandbox(CreateSandboxRequest.newBuilder()
                            .setSandboxId(id)
                            .setTemplate(template)
                            .setMemoryMb(256)
                            .build());
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("sandbox " + id + " of image " + template + " started");
    }

    @Test
    void aGuestThatResetsIsBootedOnceMoreThenRefused() throws Exception {
        StatusRuntimeException e = failedCreate("reset-a", "no-root");
        assertThat(e.getStatus().getDescription())
                .contains("the guest reset itself during boot, 2 times")
                .contains("wrenn-initramfs: /dev/vdz did not appear");
        assertLeftNothing("reset-a");
        // The agent and its default image still work.
        assertThat(fx.create("reset-ok").getSandboxId()).isEqualTo("reset-ok");
        fx.destroy("reset-ok");
    }

    @Test
    void aKernelPanicSaysWhyOnTheConsole() throws Exception {
        StatusRuntimeException e = failedCreate("reset-b", "panics");
        assertThat(e.getStatus().getDescription())
                .contains("the guest reset itself during boot, 2 times")
                .contains("Kernel panic - not syncing: VFS: Unable to mount root fs");
        assertLeftNothing("reset-b");
    }

    /**
     * A template whose guest, once restored, never lets its agent answer and then panics: every clone
     * of it resets, so the clone is restored once more and then refused. The guest stops its agent a
     * second after the exec that arms it returns, before the snapshot stops the guest's clock, and
     * panics 15 guest seconds later, which only the clones live through.
     */
    @Test
    void aCloneThatResetsIsRestoredOnceMoreThenRefused() throws Exception {
        fx.create("reset-src");
        // A pause asks the guest agent once (to warm its /init) unless a resume already did: do it now, while
        // the agent still answers.
        fx.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .pauseSandbox(PauseSandboxRequest.newBuilder()
                        .setSandboxId("reset-src")
                        .build());
        fx.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .resumeSandbox(ResumeSandboxRequest.newBuilder()
                        .setSandboxId("reset-src")
                        .build());
        String arm = "sleep 1; for p in /proc/[0-9]*; do case $(readlink $p/exe) in */java) kill -STOP ${p#/proc/};;"
                + " esac; done; sleep 15; echo c > /proc/sysrq-trigger";
        var r = fx.blocking
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder()
                        .setSandboxId("reset-src")
                        .setCmd("sh")
                        .addAllArgs(List.of("-c", "setsid sh -c '" + arm + "' </dev/null >/dev/null 2>&1 & echo armed"))
                        .build());
        assertThat(r.getStdout().toStringUtf8()).contains("armed");
        // Saved once its agent has stopped (a second from now), with the panic still ahead of it.
        org.awaitility.Awaitility.await("the guest agent of reset-src stopped")
                .atMost(java.time.Duration.ofSeconds(12))
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> agentStopped("reset-src"));
        fx.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .snapshotSandbox(SnapshotSandboxRequest.newBuilder()
                        .setSandboxId("reset-src")
                        .setName("panics-later")
                        .build());
        StatusRuntimeException e = failedCreate("reset-c", "panics-later");
        assertThat(e.getStatus().getDescription())
                .contains("the guest reset itself after the restore, 2 times")
                // The panic's own line is above the call trace it prints; its last line reaches the tail.
                .contains("Kernel Offset: disabled");
        assertLeftNothing("reset-c");
    }

    /** True once a quick command no longer comes back: the guest agent no longer runs. */
    static boolean agentStopped(String id) {
        try {
            fx.blocking
                    .withDeadlineAfter(2, TimeUnit.SECONDS)
                    .exec(ExecRequest.newBuilder()
                            .setSandboxId(id)
                            .setCmd("true")
                            .build());
            return false;
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED) return true;
            throw e;
        }
    }

    static void assertLeftNothing(String id) throws IOException {
        assertThat(fx.blocking
                        .listSandboxes(ListSandboxesRequest.getDefaultInstance())
                        .getSandboxesList())
                .noneMatch(s -> s.getSandboxId().equals(id));
        try (Stream<Path> all = Files.walk(fx.dataDir)) {
            assertThat(all.filter(p -> p.getFileName().toString().equals(id))).isEmpty();
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<String> vmms = procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .map(p -> {
                        try {
                            return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                        } catch (IOException gone) {
                            return "";
                        }
                    })
                    .filter(c -> c.contains("qemu") && c.contains(id))
                    .toList();
            assertThat(vmms).isEmpty();
        }
        try (Stream<Path> cg = Files.walk(Path.of("/sys/fs/cgroup"), 3)) {
            assertThat(cg.filter(p -> p.getFileName() != null
                            && p.getFileName().toString().contains(id)))
                    .isEmpty();
        }
    }
}
