package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.hostagent.sandbox.Reclaimer;
import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.hostagent.vm.QemuProcesses;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.DestroySandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc;
import dev.wrenn.proto.hostagent.v1.ListSandboxesRequest;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.SandboxState;
import dev.wrenn.proto.hostagent.v1.SnapshotSandboxRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent killed with SIGKILL at many points of a pause (from before QEMU is stopped to after the
 * commit), then restarted: each time the sandbox is either a complete paused sandbox (it resumes with
 * its files and its running processes) or still running (the new agent adopted its VMM and continued
 * a guest the pause had stopped), never a half-written pause and never lost. Clones (memory
 * generations) and cold-booted sandboxes (shared RAM file).
 */
class SandboxPauseCrashIT {
    static final String PREFIX = "wrq-";
    static final String CIDR = "10.222.0.0/16";
    static final String COUNTER = "i=0; while true; do i=$((i+1)); echo $i > /root/count.tmp; mv /root/count.tmp"
            + " /root/count; sleep 0.2; done";

    @Test
    void aPauseKilledAtAnyPointIsCompleteOrTheSandboxRunsOn() throws Exception {
        Path data = Files.createTempDirectory("wrenn-it-pause-kill-");
        Path log = data.resolve("agent.log");
        Path sandboxes = data.resolve("host-agent").resolve("sandboxes");
        // Kill delays after the pause request was sent: before it arrives, mid-save, mid-commit, after.
        long[] delays = {0, 15, 30, 45, 60, 80, 110, 150, 1500};
        List<String> outcomes = new ArrayList<>();
        try {
            call(data, log, stub -> {
                stub.createSandbox(
                        CreateSandboxRequest.newBuilder().setSandboxId("origin").build());
                exec(stub, "origin", "setsid sh -c '" + COUNTER + "' </dev/null >/dev/null 2>&1 &");
                stub.snapshotSandbox(SnapshotSandboxRequest.newBuilder()
                        .setSandboxId("origin")
                        .setName("kill-tpl")
                        .build());
                return null;
            });
            for (int i = 0; i < delays.length; i++) {
                boolean clone = i % 3 != 2; // two clones, then a cold-booted sandbox
                String id = "k" + i;
                long delay = delays[i];
                SandboxCleanupIT.AgentProcess agent = SandboxCleanupIT.AgentProcess.start(data, log, PREFIX, CIDR);
                ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", agent.port)
                        .usePlaintext()
                        .build();
                try {
                    var stub = HostAgentServiceGrpc.newBlockingStub(ch).withDeadlineAfter(300, TimeUnit.SECONDS);
                    var req = CreateSandboxRequest.newBuilder().setSandboxId(id);
                    if (clone) req.setTemplate("kill-tpl");
                    stub.createSandbox(req.build());
                    exec(stub, id, "echo data-" + id + " > /root/data && sync");
                    if (!clone) exec(stub, id, "setsid sh -c '" + COUNTER + "' </dev/null >/dev/null 2>&1 &");
                    // A first pause and resume: a clone's second pause writes generation 2 over generation 1.
                    stub.pauseSandbox(
                            PauseSandboxRequest.newBuilder().setSandboxId(id).build());
                    stub.resumeSandbox(
                            ResumeSandboxRequest.newBuilder().setSandboxId(id).build());
                    var async = HostAgentServiceGrpc.newFutureStub(ch);
                    async.pauseSandbox(
                            PauseSandboxRequest.newBuilder().setSandboxId(id).build());
                    Thread.sleep(delay);
                } finally {
                    agent.process.destroyForcibly();
                    assertThat(agent.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    ch.shutdownNow();
                }
                String outcome = call(data, log, stub -> {
                    var listed =
                            stub.listSandboxes(ListSandboxesRequest.getDefaultInstance()).getSandboxesList().stream()
                                    .filter(s -> s.getSandboxId().equals(id))
                                    .toList();
                    assertThat(listed)
                            .as("sandbox %s after the agent was killed %d ms into its pause", id, delay)
                            .hasSize(1);
                    SandboxState state = listed.getFirst().getState();
                    String result;
                    if (state == SandboxState.SANDBOX_STATE_PAUSED) {
                        assertThat(strays(sandboxes.resolve(PREFIX + id))).isEmpty();
                        stub.resumeSandbox(ResumeSandboxRequest.newBuilder()
                                .setSandboxId(id)
                                .build());
                        result = "paused, resumed";
                    } else {
                        // The pause never committed: the adopted guest runs on, and pauses again.
                        assertThat(state).isEqualTo(SandboxState.SANDBOX_STATE_RUNNING);
                        assertThat(exec(stub, id, "cat /root/data")).isEqualTo("data-" + id);
                        stub.pauseSandbox(PauseSandboxRequest.newBuilder()
                                .setSandboxId(id)
                                .build());
                        stub.resumeSandbox(ResumeSandboxRequest.newBuilder()
                                .setSandboxId(id)
                                .build());
                        result = "still running, paused and resumed again";
                    }
                    assertThat(exec(stub, id, "cat /root/data")).isEqualTo("data-" + id);
                    int c = Integer.parseInt(exec(stub, id, "cat /root/count"));
                    assertThat(Integer.parseInt(exec(stub, id, "sleep 0.7; cat /root/count")))
                            .isGreaterThan(c);
                    stub.destroySandbox(
                            DestroySandboxRequest.newBuilder().setSandboxId(id).build());
                    return result;
                });
                outcomes.add((clone ? "clone" : "cold") + " killed after " + delay + " ms: " + outcome);
            }
            System.out.println("pause killed with SIGKILL:\n  " + String.join("\n  ", outcomes));
            // A kill well after the pause returned always finds it complete.
            assertThat(outcomes.getLast()).endsWith("paused, resumed");
            assertThat(new Reclaimer(QemuProcesses.INSTANCE, PREFIX, sandboxes)
                            .scan()
                            .isEmpty())
                    .isTrue();
        } finally {
            DurableFiles.deleteTree(data);
        }
    }

    /** Runs {@code body} against a freshly started agent, then stops it cleanly. */
    static <T> T call(Path data, Path log, Body<T> body) throws Exception {
        try (SandboxCleanupIT.AgentProcess agent = SandboxCleanupIT.AgentProcess.start(data, log, PREFIX, CIDR)) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", agent.port)
                    .usePlaintext()
                    .build();
            try {
                return body.apply(HostAgentServiceGrpc.newBlockingStub(ch).withDeadlineAfter(300, TimeUnit.SECONDS));
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @FunctionalInterface
    interface Body<T> {
        T apply(HostAgentServiceGrpc.HostAgentServiceBlockingStub stub) throws Exception;
    }

    static String exec(HostAgentServiceGrpc.HostAgentServiceBlockingStub stub, String id, String script) {
        var r = stub.exec(ExecRequest.newBuilder()
                .setSandboxId(id)
                .setCmd("sh")
                .addArgs("-c")
                .addArgs(script)
                .build());
        assertThat(r.getExitCode()).as(r.getStderr().toStringUtf8()).isZero();
        return r.getStdout().toStringUtf8().strip();
    }

    /** What a committed pause must not carry: temporary files, sockets, a second snapshot. */
    static List<String> strays(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            List<String> out = new ArrayList<>(names.stream()
                    .filter(n -> n.endsWith(".tmp") || n.endsWith(".sock") || n.equals("qemu.pid"))
                    .toList());
            if (names.stream().filter(n -> n.startsWith("snap-")).count() != 1) out.add("snapshot dirs: " + names);
            return out;
        }
    }
}
