package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.hostagent.host.HostCommand;
import dev.wrenn.hostagent.sandbox.Reclaimer;
import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.hostagent.vm.QemuProcesses;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.DestroySandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.GetSandboxRequest;
import dev.wrenn.proto.hostagent.v1.HealthRequest;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc;
import dev.wrenn.proto.hostagent.v1.ListSandboxesRequest;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import dev.wrenn.proto.hostagent.v1.SandboxState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Nothing of a sandbox survives destroy. After a kill -9 of the agent and a restart, running
 * sandboxes whose VMM lives on are adopted, and everything else of the dead agent is reclaimed.
 */
class SandboxCleanupIT {

    /** What a sandbox leaves on the host if it leaks: checked by name, not by trusting the agent. */
    static List<String> leftovers(String prefix, Sandbox sb, Path sandboxesDir) throws Exception {
        List<String> found = new ArrayList<>();
        if (ProcessHandle.of(sb.getVmmPid()).map(ProcessHandle::isAlive).orElse(false))
            found.add("qemu pid " + sb.getVmmPid());
        String netns = prefix + "ns" + sb.getSlot();
        if (HostCommand.check("ip", "netns", "list").lines().anyMatch(l -> l.split(" ")[0].equals(netns)))
            found.add("netns " + netns);
        String veth = prefix + "h" + sb.getSlot();
        if (HostCommand.run("ip", "link", "show", veth).ok()) found.add("veth " + veth);
        Path dir = sandboxesDir.resolve(prefix + sb.getSandboxId());
        if (Files.exists(dir)) found.add("dir " + dir);
        var scan = new Reclaimer(QemuProcesses.INSTANCE, prefix, sandboxesDir).scan();
        scan.processes().forEach(p -> found.add("qemu " + p));
        scan.namespaces().forEach(n -> found.add("netns " + n));
        scan.links().forEach(l -> found.add("link " + l));
        return found;
    }

    @Test
    void destroyLeavesNothing() throws Exception {
        try (AgentFixture fx = AgentFixture.start()) {
            Sandbox sb = fx.create("cleanup-1");
            Path sandboxes = fx.agent.config().sandboxesDir();
            assertThat(leftovers(AgentFixture.PREFIX, sb, sandboxes)).isNotEmpty();
            fx.destroy("cleanup-1");
            assertThat(leftovers(AgentFixture.PREFIX, sb, sandboxes)).isEmpty();

            // The freed slot (same address) serves the next sandbox: no stale state, no stale connection.
            Sandbox next = fx.create("cleanup-2");
            assertThat(next.getSlotAddress()).isEqualTo(sb.getSlotAddress());
            assertThat(fx.blocking
                            .exec(ExecRequest.newBuilder()
                                    .setSandboxId("cleanup-2")
                                    .setCmd("true")
                                    .build())
                            .getExitCode())
                    .isZero();
        }
    }

    @Test
    void failedBootReportsTheConsoleAndLeavesNothing() throws Exception {
        // A template whose kernel command line cannot reach a root filesystem: the kernel panics.
        Path images = Files.createTempDirectory("wrenn-it-images-");
        Path broken = Files.createDirectories(images.resolve("broken"));
        Path real = TestImages.dir();
        for (String f : List.of("vmlinux", "initramfs.cpio", "rootfs.ext4"))
            Files.createSymbolicLink(broken.resolve(f), real.resolve(f));
        Files.writeString(
                broken.resolve("manifest.json"),
                "{\"cmdline\": \"console=ttyS0 loglevel=4 panic=-1 tsc_early_khz=2500000"
                        + " rdinit=/wrenn-no-such-init root=/dev/wrenn-no-such-disk\"}");
        Files.createSymbolicLink(images.resolve("minimal"), real);
        try (AgentFixture fx = AgentFixture.start(images)) {
            Path sandboxes = fx.agent.config().sandboxesDir();
            assertThatThrownBy(() -> fx.blocking
                            .withDeadlineAfter(150, TimeUnit.SECONDS)
                            .createSandbox(CreateSandboxRequest.newBuilder()
                                    .setSandboxId("broken-1")
                                    .setTemplate("broken")
                                    .build()))
                    .isInstanceOf(StatusRuntimeException.class)
                    .satisfies(e -> {
                        Status st = ((StatusRuntimeException) e).getStatus();
                        assertThat(st.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                        assertThat(st.getDescription())
                                .contains("the guest reset itself during boot, 2 times")
                                .contains("guest console")
                                .contains("Kernel panic");
                    });
            assertThat(new Reclaimer(QemuProcesses.INSTANCE, AgentFixture.PREFIX, sandboxes)
                            .scan()
                            .processes())
                    .isEmpty();
            assertThat(new Reclaimer(QemuProcesses.INSTANCE, AgentFixture.PREFIX, sandboxes)
                            .scan()
                            .namespaces())
                    .isEmpty();
            assertThat(new Reclaimer(QemuProcesses.INSTANCE, AgentFixture.PREFIX, sandboxes)
                            .scan()
                            .dirs())
                    .isEmpty();
            assertThat(fx.blocking
                            .health(HealthRequest.getDefaultInstance())
                            .getCapacity()
                            .getUsedMemoryMb())
                    .isZero();
            assertThatThrownBy(() -> fx.blocking.createSandbox(CreateSandboxRequest.newBuilder()
                            .setTemplate("nope")
                            .build()))
                    .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
                    .isEqualTo(Status.Code.NOT_FOUND);
        } finally {
            DurableFiles.deleteTree(images);
        }
    }

    static final class AgentProcess implements AutoCloseable {
        final Process process;
        final int port;

        AgentProcess(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static AgentProcess start(Path data, Path log, String prefix, String cidr) throws Exception {
            String java = ProcessHandle.current().info().command().orElse("java");
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Process p = new ProcessBuilder(
                            java,
                            "--enable-native-access=ALL-UNNAMED",
                            "-cp",
                            cp,
                            "dev.wrenn.hostagent.HostAgentMain",
                            "--port",
                            "0",
                            "--proxy-port",
                            "0",
                            "--data-dir",
                            data.toString(),
                            "--image-dir",
                            TestImages.dir().toString(),
                            "--prefix",
                            prefix,
                            "--slot-cidr",
                            cidr,
                            "--accel",
                            "tcg")
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (var r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("host-agent listening on port "))
                            port.complete(Integer.parseInt(line.substring(29).trim()));
                    }
                    port.completeExceptionally(new IllegalStateException("agent exited; see " + log));
                } catch (Exception e) {
                    port.completeExceptionally(e);
                }
            });
            return new AgentProcess(p, port.get(60, TimeUnit.SECONDS));
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS))
                process.destroyForcibly().waitFor();
        }
    }

    @Test
    void aKilledAgentsRunningSandboxesAreAdoptedAndItsOrphansReclaimed() throws Exception {
        String prefix = "wrk-";
        Path data = Files.createTempDirectory("wrenn-it-crash-");
        Path log = data.resolve("agent.log");
        Path sandboxes = data.resolve("host-agent").resolve("sandboxes");
        Sandbox kept;
        Sandbox lost;
        try (AgentProcess first = AgentProcess.start(data, log, prefix, "10.219.0.0/16")) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", first.port)
                    .usePlaintext()
                    .build();
            try {
                var stub = HostAgentServiceGrpc.newBlockingStub(ch).withDeadlineAfter(300, TimeUnit.SECONDS);
                kept = stub.createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId("crash-1")
                        .build());
                stub.exec(ExecRequest.newBuilder()
                        .setSandboxId("crash-1")
                        .setCmd("sh")
                        .addAllArgs(List.of("-c", "echo before-crash > /root/f; sleep 1000 >/dev/null 2>&1 &"))
                        .build());
                lost = stub.createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId("crash-2")
                        .build());
            } finally {
                ch.shutdownNow();
            }
            first.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.process.exitValue()).isEqualTo(137);
        }
        // The VMMs outlived their agent. One of them dies too before the restart (its sandbox is lost),
        // and there is an orphan namespace and a directory without any record.
        assertThat(leftovers(prefix, kept, sandboxes))
                .contains("qemu pid " + kept.getVmmPid(), "netns " + prefix + "ns" + kept.getSlot());
        ProcessHandle victim = ProcessHandle.of(lost.getVmmPid()).orElseThrow();
        victim.destroyForcibly();
        victim.onExit().get(10, TimeUnit.SECONDS);
        HostCommand.check("ip", "netns", "add", prefix + "ns77");
        // And the survivor's guest is stopped, as the first step of a pause leaves it.
        try (var qmp = dev.wrenn.hostagent.vm.QmpClient.connect(
                sandboxes.resolve(prefix + "crash-1").resolve("qmp.sock"), java.time.Duration.ofSeconds(10))) {
            qmp.execute("stop");
            assertThat(qmp.execute("query-status").path("status").asString()).isEqualTo("paused");
        }
        Files.createDirectories(sandboxes.resolve(prefix + "stray"));

        try (AgentProcess second = AgentProcess.start(data, log, prefix, "10.219.0.0/16")) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", second.port)
                    .usePlaintext()
                    .build();
            try {
                var stub = HostAgentServiceGrpc.newBlockingStub(ch).withDeadlineAfter(120, TimeUnit.SECONDS);
                var listed = stub.listSandboxes(ListSandboxesRequest.getDefaultInstance())
                        .getSandboxesList();
                // The running sandbox was adopted: same VMM, same slot, its files and processes intact.
                assertThat(listed).singleElement().satisfies(s -> {
                    assertThat(s.getSandboxId()).isEqualTo("crash-1");
                    assertThat(s.getState()).isEqualTo(SandboxState.SANDBOX_STATE_RUNNING);
                    assertThat(s.getVmmPid()).isEqualTo(kept.getVmmPid());
                    assertThat(s.getSlot()).isEqualTo(kept.getSlot());
                });
                var r = stub.exec(ExecRequest.newBuilder()
                        .setSandboxId("crash-1")
                        .setCmd("sh")
                        .addAllArgs(List.of("-c", "cat /root/f; pgrep -x sleep >/dev/null && echo still-sleeping"))
                        .build());
                assertThat(r.getStdout().toStringUtf8()).isEqualTo("before-crash\nstill-sleeping\n");
                // The lost one and the orphans are gone.
                assertThat(leftovers(prefix, lost, sandboxes)).isEmpty();
                assertThat(HostCommand.check("ip", "netns", "list")).doesNotContain(prefix + "ns77");
                assertThat(sandboxes.resolve(prefix + "stray")).doesNotExist();
                // The adopted sandbox is a sandbox like any other: it pauses, resumes and is destroyed.
                stub.pauseSandbox(
                        PauseSandboxRequest.newBuilder().setSandboxId("crash-1").build());
                stub.resumeSandbox(ResumeSandboxRequest.newBuilder()
                        .setSandboxId("crash-1")
                        .build());
                r = stub.exec(ExecRequest.newBuilder()
                        .setSandboxId("crash-1")
                        .setCmd("cat")
                        .addArgs("/root/f")
                        .build());
                assertThat(r.getStdout().toStringUtf8()).isEqualTo("before-crash\n");
                var now = stub.getSandbox(
                        GetSandboxRequest.newBuilder().setSandboxId("crash-1").build());
                stub.destroySandbox(DestroySandboxRequest.newBuilder()
                        .setSandboxId("crash-1")
                        .build());
                assertThat(leftovers(prefix, kept, sandboxes)).isEmpty();
                assertThat(leftovers(prefix, now, sandboxes)).isEmpty();
            } finally {
                ch.shutdownNow();
            }
        }
        // A clean stop removes the agent's own firewall tables too.
        assertThat(new Reclaimer(QemuProcesses.INSTANCE, prefix, sandboxes)
                        .scan()
                        .tables())
                .isEmpty();
        assertThat(new Reclaimer(QemuProcesses.INSTANCE, prefix, sandboxes)
                        .scan()
                        .isEmpty())
                .isTrue();
        DurableFiles.deleteTree(data);
    }
}
