package dev.wrenn.controlplane.host.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.controlplane.config.HostAgentTimeouts;
import dev.wrenn.controlplane.host.GuestSetup;
import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.host.HostProxyHeaders;
import dev.wrenn.controlplane.host.HostState;
import dev.wrenn.controlplane.host.ProcessRequest;
import dev.wrenn.controlplane.host.SandboxMetrics;
import dev.wrenn.controlplane.testing.TestHostAgent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gRPC client's guest setup, metrics and proxy address against the real in-process host agent, with
 * one sandbox created with a setup of its own.
 */
class GrpcHostAgentClientIT {
    static final String ID = "cp-client-it";
    static final String GUEST_TOKEN = "cp-client-it-token-" + Long.toHexString(System.nanoTime());
    static GrpcHostAgentClient client;
    static final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void create() {
        client = new GrpcHostAgentClient(
                TestHostAgent.address(), Optional.of(TestHostAgent.TOKEN), HostAgentTimeouts.DEFAULTS);
        var sb = client.create(
                ID, "minimal", 1, 512, new GuestSetup(GUEST_TOKEN, Map.of("CP_IT", "beta"), "user", "/tmp"));
        assertThat(sb.state()).isEqualTo(HostState.RUNNING);
    }

    @AfterAll
    static void destroy() {
        if (client == null) return;
        client.destroy(ID);
        client.close();
    }

    @Test
    void theGuestIsSetUpForEveryProcess() {
        var out = client.exec(
                ID,
                new ProcessRequest(
                        "/bin/sh", List.of("-c", "echo $CP_IT; id -un; pwd"), Map.of(), null, null, null, false, null),
                60);
        assertThat(new String(out.stdout(), StandardCharsets.UTF_8)).isEqualTo("beta\nuser\n/tmp\n");
    }

    @Test
    void aBadSetupIsInvalid() {
        assertThatThrownBy(() -> client.create(
                        "cp-client-bad", "minimal", 1, 512, new GuestSetup(null, Map.of(), "not a user", null)))
                .isInstanceOfSatisfying(
                        HostAgentException.class, e -> assertThat(e.kind()).isEqualTo(HostAgentException.Kind.INVALID));
        assertThat(client.list()).extracting(s -> s.id()).doesNotContain("cp-client-bad");
    }

    @Test
    void metricsArePlausibleAndAnUnknownSandboxIsNotFound() {
        SandboxMetrics m = client.metrics(ID);
        assertThat(m.cpuCount()).isEqualTo(1);
        assertThat(m.cpuUsedPct()).isBetween(0.0, 100.0);
        assertThat(m.memTotal()).isBetween(256L << 20, 512L << 20);
        assertThat(m.memUsed()).isPositive().isLessThan(m.memTotal());
        assertThat(m.diskUsed()).isPositive().isLessThanOrEqualTo(m.diskTotal());
        assertThat(m.timestampUnixMs()).isPositive();
        assertThatThrownBy(() -> client.metrics("cp-client-unknown"))
                .isInstanceOfSatisfying(
                        HostAgentException.class,
                        e -> assertThat(e.kind()).isEqualTo(HostAgentException.Kind.NOT_FOUND));
    }

    @Test
    void theProxyUriReachesTheSandboxWithTheProxyToken() throws Exception {
        URI proxy = client.proxyUri();
        assertThat(proxy)
                .isEqualTo(
                        URI.create("http://127.0.0.1:" + TestHostAgent.agent().proxyPort()));
        assertThat(client.proxyUri()).isSameAs(proxy);
        assertThat(client.proxyToken()).hasValue(TestHostAgent.TOKEN);
        assertThat(toGuest(proxy, "/health", client.proxyToken().orElseThrow(), GUEST_TOKEN))
                .isEqualTo(204);
        // The access token the control plane chose is the one the guest trusts, and no other.
        assertThat(toGuest(proxy, "/envs", client.proxyToken().orElseThrow(), GUEST_TOKEN))
                .isEqualTo(200);
        assertThat(toGuest(proxy, "/envs", client.proxyToken().orElseThrow(), "some-other-token"))
                .isEqualTo(401);
        assertThat(toGuest(proxy, "/health", "wrong-host-token", GUEST_TOKEN)).isEqualTo(401);
    }

    static int toGuest(URI proxy, String path, String hostToken, String guestToken) throws Exception {
        var r = http.send(
                HttpRequest.newBuilder(proxy.resolve(path))
                        .header(HostProxyHeaders.TOKEN, hostToken)
                        .header(HostProxyHeaders.SANDBOX_ID, ID)
                        .header(HostProxyHeaders.SANDBOX_PORT, "49983")
                        .header("X-Access-Token", guestToken)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        return r.statusCode();
    }
}
