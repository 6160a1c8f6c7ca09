package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestHostAgent;
import dev.wrenn.controlplane.testing.TestServer;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.DestroySandboxRequest;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc;
import dev.wrenn.proto.hostagent.v1.ListSandboxesRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The database and the host agent kept in agreement, and a control plane restart that loses nothing. */
class SandboxReconcileIT {
    static TestServer server;
    static ApiClient api;
    static ManagedChannel channel;
    static HostAgentServiceGrpc.HostAgentServiceBlockingStub agent;

    @BeforeAll
    static void start() {
        server = TestServer.withSandboxes(Map.of("WRENN_RECONCILE_INTERVAL_SEC", "1"));
        var anon = server.client();
        api = Accounts.newTeam(anon);
        channel = NettyChannelBuilder.forTarget(TestHostAgent.address())
                .usePlaintext()
                .intercept(dev.wrenn.controlplane.host.grpc.GrpcHostAgentClient.bearer(TestHostAgent.TOKEN))
                .build();
        agent = HostAgentServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static String create() {
        var r = api.post("/v1/sandboxes", "{}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    static boolean onAgent(String id) {
        return agent.listSandboxes(ListSandboxesRequest.getDefaultInstance()).getSandboxesList().stream()
                .anyMatch(s -> s.getSandboxId().equals(id));
    }

    @Test
    void theHostAgentRefusesCallsWithoutItsToken() {
        var anonymous = NettyChannelBuilder.forTarget(TestHostAgent.address())
                .usePlaintext()
                .build();
        var wrong = NettyChannelBuilder.forTarget(TestHostAgent.address())
                .usePlaintext()
                .intercept(dev.wrenn.controlplane.host.grpc.GrpcHostAgentClient.bearer("wrong"))
                .build();
        try {
            for (var ch : new ManagedChannel[] {anonymous, wrong}) {
                var e = org.assertj.core.api.Assertions.catchThrowableOfType(
                        StatusRuntimeException.class,
                        () -> HostAgentServiceGrpc.newBlockingStub(ch)
                                .listSandboxes(ListSandboxesRequest.getDefaultInstance()));
                assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
            }
        } finally {
            anonymous.shutdownNow();
            wrong.shutdownNow();
        }
    }

    @Test
    void aSandboxInTheMiddleOfALifecycleOperationIsLeftAlone() throws Exception {
        String id = create();
        // Hold the sandbox's lifecycle lock as an API pause does while it waits for the host, and
        // pause it on the host meanwhile: the row says running, the host says paused. A reconcile
        // pass (run on another thread: the lock is reentrant) must not call that a lost VM.
        server.controlPlane().sandboxes().withLock(id, () -> {
            agent.pauseSandbox(dev.wrenn.proto.hostagent.v1.PauseSandboxRequest.newBuilder()
                    .setSandboxId(id)
                    .build());
            var pass = java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> server.controlPlane().reconciler().reconcileOnce())
                    .join();
            assertThat(pass.lostVms()).isZero();
            assertThat(api.get("/v1/sandboxes/" + id).json().get("status").asString())
                    .isEqualTo("running");
            return null;
        });
        // Once no operation explains the disagreement, the host's committed pause is the truth (as
        // when a server died between the host's answer and the row's update): the row follows it.
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .until(() -> api.get("/v1/sandboxes/" + id)
                        .json()
                        .get("status")
                        .asString()
                        .equals("paused"));
        assertThat(api.post("/v1/sandboxes/" + id + "/resume", "").status()).isEqualTo(200);
        assertThat(api.post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"true\"}")
                        .status())
                .isEqualTo(200);
        assertThat(api.delete("/v1/sandboxes/" + id).status()).isEqualTo(204);
        assertThat(onAgent(id)).isFalse();
    }

    @Test
    void aPausedRowWhoseResumeTheHostFinishedBecomesRunning() {
        String id = create();
        api.post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"echo kept > /root/state\"}");
        assertThat(api.post("/v1/sandboxes/" + id + "/pause", "").status()).isEqualTo(200);
        // The resume a dying server sent: the host finished it, the row never heard.
        agent.resumeSandbox(dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest.newBuilder()
                .setSandboxId(id)
                .build());
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .until(() -> api.get("/v1/sandboxes/" + id)
                        .json()
                        .get("status")
                        .asString()
                        .equals("running"));
        var r = api.post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"cat /root/state\"}");
        assertThat(r.json().get("stdout").asString()).isEqualTo("kept\n");
        assertThat(api.delete("/v1/sandboxes/" + id).status()).isEqualTo(204);
    }

    @Test
    void aSandboxWhoseVmDiedBecomesError() {
        String id = create();
        agent.destroySandbox(DestroySandboxRequest.newBuilder().setSandboxId(id).build());
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .until(() -> api.get("/v1/sandboxes/" + id)
                        .json()
                        .get("status")
                        .asString()
                        .equals("error"));
        assertThat(api.post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"true\"}")
                        .status())
                .isEqualTo(409);
        assertThat(api.delete("/v1/sandboxes/" + id).status()).isEqualTo(204);
        assertThat(api.get("/v1/sandboxes/" + id).json().get("status").asString())
                .isEqualTo("stopped");
    }

    @Test
    void aVmThatNoSandboxOwnsIsDestroyed() {
        String orphan = "sb-orphan-" + System.nanoTime() % 100000;
        // Created behind the control plane's back; the reconciler may reap it while it still boots,
        // in which case the create itself fails. Either way it must be seen, then be gone.
        var creating = CompletableFuture.runAsync(() -> {
            try {
                agent.withDeadlineAfter(300, TimeUnit.SECONDS)
                        .createSandbox(CreateSandboxRequest.newBuilder()
                                .setSandboxId(orphan)
                                .build());
            } catch (StatusRuntimeException reapedWhileBooting) {
                // expected when the reconciler was faster than the boot
            }
        });
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> onAgent(orphan));
        Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> !onAgent(orphan));
        creating.join();
        assertThat(onAgent(orphan)).isFalse();
    }

    @Test
    void restartingTheControlPlaneLosesNoRunningSandbox() {
        String id = create();
        api.post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"echo kept > /root/state\"}");
        server = server.restart();
        var key = api.headers().get(1);
        api = server.client().withApiKey(key);
        assertThat(api.get("/v1/sandboxes/" + id).json().get("status").asString())
                .isEqualTo("running");
        var r = api.post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"cat /root/state\"}");
        assertThat(r.json().get("stdout").asString()).isEqualTo("kept\n");
        assertThat(onAgent(id)).isTrue();
        assertThat(api.delete("/v1/sandboxes/" + id).status()).isEqualTo(204);
        assertThat(onAgent(id)).isFalse();
    }
}
