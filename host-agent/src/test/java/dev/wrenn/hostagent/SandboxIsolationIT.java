package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.ExecResponse;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two sandboxes at once: neither reaches the other nor any host service; the host reaches both. */
class SandboxIsolationIT {
    static AgentFixture fx;
    static Sandbox a;
    static Sandbox b;

    static final String PROBE = """
            import socket, sys
            for target in sys.argv[1:]:
                host, port = target.rsplit(':', 1)
                s = socket.socket()
                s.settimeout(2)
                try:
                    s.connect((host, int(port)))
                    print(target, 'open')
                except Exception as e:
                    print(target, 'closed', type(e).__name__)
                finally:
                    s.close()
            """;

    @BeforeAll
    static void boot() throws Exception {
        fx = AgentFixture.start();
        // Boot both at once: also shows that concurrent creates get distinct slots.
        var fa = CompletableFuture.supplyAsync(() -> fx.create("iso-a"));
        var fb = CompletableFuture.supplyAsync(() -> fx.create("iso-b"));
        a = fa.get(200, TimeUnit.SECONDS);
        b = fb.get(200, TimeUnit.SECONDS);
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (fx != null) fx.close();
    }

    static List<String> probe(Sandbox from, List<String> targets) {
        ExecResponse r = fx.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(from.getSandboxId())
                        .setCmd("python3")
                        .addArgs("-c")
                        .addArgs(PROBE)
                        .addAllArgs(targets)
                        .setTimeoutMs(90_000)
                        .build());
        assertThat(r.getExitCode()).as(r.getStderr().toStringUtf8()).isZero();
        return r.getStdout().toStringUtf8().lines().toList();
    }

    /** The host's own non-slot IPv4 addresses (e.g. eth0's). */
    static List<String> hostAddresses() throws Exception {
        List<String> out = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isLoopback() || nif.getName().startsWith("wr")) continue;
            nif.inetAddresses().filter(x -> x instanceof Inet4Address).forEach(x -> out.add(x.getHostAddress()));
        }
        return out;
    }

    @Test
    void slotsAreDistinct() {
        assertThat(a.getSlotAddress()).isNotEqualTo(b.getSlotAddress());
        assertThat(a.getGuestIp()).isEqualTo(b.getGuestIp());
    }

    @Test
    void guestsCannotReachEachOtherNorTheHost() throws Exception {
        int grpc = fx.agent.port();
        // The sandbox proxy listens where gRPC does: a guest must not reach its own or another's guest through it.
        int proxy = fx.agent.proxyPort();
        for (Sandbox[] pair : new Sandbox[][] {{a, b}, {b, a}}) {
            Sandbox from = pair[0];
            Sandbox other = pair[1];
            List<String> targets = new ArrayList<>(List.of(
                    other.getSlotAddress() + ":49983",
                    other.getHostIp() + ":" + grpc,
                    from.getHostIp() + ":" + grpc,
                    from.getHostIp() + ":" + proxy,
                    "169.254.0.22:" + grpc,
                    "169.254.0.22:" + proxy));
            for (String ip : hostAddresses()) {
                targets.add(ip + ":" + grpc);
                targets.add(ip + ":" + proxy);
            }
            List<String> lines = probe(from, targets);
            assertThat(lines).hasSize(targets.size());
            assertThat(lines).allSatisfy(l -> assertThat(l).contains(" closed "));
        }
        // Positive control: the probe can report an open port (the guest's own agent).
        assertThat(probe(a, List.of("127.0.0.1:49983"))).containsExactly("127.0.0.1:49983 open");
    }
}
