package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.hostagent.sandbox.Reclaimer;
import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.hostagent.vm.QemuProcesses;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.ExecResponse;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc;
import dev.wrenn.proto.hostagent.v1.ListSandboxesRequest;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.SandboxState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A paused sandbox is durable across the agent itself: the agent killed with SIGKILL after a pause
 * committed, a new agent on the same data directory lists it as paused and resumes it with its files;
 * destroying it afterwards leaves nothing for the reclaimer to find. Its own agent process and data
 * directory, so it shares nothing with the other snapshot tests.
 */
class PausedSandboxAgentRestartIT {
    @Test
    void pausedSandboxSurvivesAnAgentKilledWithSigkill() throws Exception {
        String prefix = "wrp-";
        String cidr = "10.220.0.0/16";
        Path data = Files.createTempDirectory("wrenn-it-pause-crash-");
        Path log = data.resolve("agent.log");
        try {
            try (SandboxCleanupIT.AgentProcess first = SandboxCleanupIT.AgentProcess.start(data, log, prefix, cidr)) {
                ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", first.port)
                        .usePlaintext()
                        .build();
                try {
                    var stub = HostAgentServiceGrpc.newBlockingStub(ch).withDeadlineAfter(180, TimeUnit.SECONDS);
                    stub.createSandbox(CreateSandboxRequest.newBuilder()
                            .setSandboxId("crash-p")
                            .build());
                    stub.exec(ExecRequest.newBuilder()
                            .setSandboxId("crash-p")
                            .setCmd("sh")
                            .addAllArgs(List.of("-c", "echo survives > /root/data"))
                            .build());
                    stub.pauseSandbox(PauseSandboxRequest.newBuilder()
                            .setSandboxId("crash-p")
                            .build());
                } finally {
                    ch.shutdownNow();
                }
                first.process.destroyForcibly();
                assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            try (SandboxCleanupIT.AgentProcess second = SandboxCleanupIT.AgentProcess.start(data, log, prefix, cidr)) {
                ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", second.port)
                        .usePlaintext()
                        .build();
                try {
                    var stub = HostAgentServiceGrpc.newBlockingStub(ch).withDeadlineAfter(180, TimeUnit.SECONDS);
                    assertThat(stub.listSandboxes(ListSandboxesRequest.getDefaultInstance())
                                    .getSandboxesList())
                            .anyMatch(s -> s.getSandboxId().equals("crash-p")
                                    && s.getState() == SandboxState.SANDBOX_STATE_PAUSED);
                    stub.resumeSandbox(ResumeSandboxRequest.newBuilder()
                            .setSandboxId("crash-p")
                            .build());
                    ExecResponse r = stub.exec(ExecRequest.newBuilder()
                            .setSandboxId("crash-p")
                            .setCmd("cat")
                            .addArgs("/root/data")
                            .build());
                    assertThat(r.getStdout().toString(StandardCharsets.UTF_8).strip())
                            .isEqualTo("survives");
                    stub.destroySandbox(dev.wrenn.proto.hostagent.v1.DestroySandboxRequest.newBuilder()
                            .setSandboxId("crash-p")
                            .build());
                } finally {
                    ch.shutdownNow();
                }
            }
            assertThat(new Reclaimer(
                                    QemuProcesses.INSTANCE,
                                    prefix,
                                    data.resolve("host-agent").resolve("sandboxes"))
                            .scan()
                            .isEmpty())
                    .isTrue();
        } finally {
            DurableFiles.deleteTree(data);
        }
    }
}
