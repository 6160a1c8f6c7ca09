package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.hostagent.network.SlotAddressing;
import dev.wrenn.hostagent.network.TestInternet;
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

/**
 * Two sandboxes at once: neither reaches the other nor any host service nor what is never to be
 * reached (link-local, the cloud metadata address, an operator's extra ranges); the host reaches both;
 * both resolve names through their slot's forwarder and reach a test "internet" host.
 */
class SandboxIsolationIT {
    /** The cloud metadata address, served by the test internet as a cloud's would be: reachable but for the guard. */
    static final String METADATA = "169.254.169.254";
    /** Link-local like the cloud metadata address, but served by the test internet: reachable but for the guard. */
    static final String LINK_LOCAL = "169.254.77.77";
    /** In WRENN_NEVER_REACH for this agent, and served by the test internet. */
    static final String EXTRA_BLOCKED = "198.18.1.1";

    static TestInternet internet;
    static AgentFixture fx;
    static Sandbox a;
    static Sandbox b;

    @BeforeAll
    static void boot() throws Exception {
        internet = TestInternet.start(
                List.of(METADATA, LINK_LOCAL, EXTRA_BLOCKED),
                List.of("www.inet.test=" + TestInternet.SERVER, "meta.inet.test=" + LINK_LOCAL));
        System.setProperty("wrenn.dns.upstream", TestInternet.SERVER);
        System.setProperty("wrenn.never.reach", "198.18.1.0/24");
        try {
            fx = AgentFixture.start();
        } finally {
            System.clearProperty("wrenn.dns.upstream");
            System.clearProperty("wrenn.never.reach");
        }
        // Boot both at once: also shows that concurrent creates get distinct slots.
        var fa = CompletableFuture.supplyAsync(() -> fx.create("iso-a"));
        var fb = CompletableFuture.supplyAsync(() -> fx.create("iso-b"));
        a = fa.get(200, TimeUnit.SECONDS);
        b = fb.get(200, TimeUnit.SECONDS);
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (fx != null) fx.close();
        if (internet != null) internet.close();
    }

    static List<String> probe(Sandbox from, List<String> targets) {
        return GuestProbe.run(fx.blocking, from.getSandboxId(), targets);
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

    @Test
    void whatNoGuestMayReachIsRefusedAtOnce() throws Exception {
        String guessed = SlotAddressing.parse(AgentFixture.CIDR).slotAddress(77);
        List<String> never = List.of(
                METADATA + ":80",
                LINK_LOCAL + ":80",
                EXTRA_BLOCKED + ":80",
                b.getHostIp() + ":53",
                b.getSlotAddress() + ":53",
                guessed + ":49983",
                SlotAddressing.parse(AgentFixture.CIDR).hostIp(77) + ":53");
        List<String> lines = probe(a, never);
        assertThat(lines).hasSize(never.size());
        // Refused at once (a TCP reset: ECONNREFUSED), not left to time out, even past the kernel's ICMP rate limit.
        assertThat(lines).allSatisfy(l -> assertThat(l).contains(" closed ").doesNotContain("imeout"));
        // Positive controls beside them: an internet host, and the guest's own resolver over TCP.
        assertThat(probe(a, List.of(TestInternet.SERVER + ":80", a.getHostIp() + ":53")))
                .containsExactly(TestInternet.SERVER + ":80 open", a.getHostIp() + ":53 open");
    }

    @Test
    void namesResolveThroughTheSlotsForwarder() {
        for (Sandbox s : List.of(a, b)) {
            ExecResponse r = fx.blocking
                    .withDeadlineAfter(120, TimeUnit.SECONDS)
                    .exec(ExecRequest.newBuilder()
                            .setSandboxId(s.getSandboxId())
                            .setCmd("sh")
                            .addArgs("-c")
                            .addArgs("cat /etc/resolv.conf; getent hosts www.inet.test;"
                                    + " getent hosts nowhere.inet.test || echo unknown $?;"
                                    + " curl -sS -m 20 http://www.inet.test/")
                            .setTimeoutMs(90_000)
                            .build());
            String out = r.getStdout().toStringUtf8();
            assertThat(out)
                    .as(r.getStderr().toStringUtf8())
                    .contains("nameserver 169.254.0.22")
                    .containsPattern(TestInternet.SERVER.replace(".", "\\.") + "\\s+www\\.inet\\.test")
                    .contains("unknown 2")
                    .contains("hello from " + TestInternet.SERVER + " host www.inet.test");
        }
    }
}
