package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.hostagent.network.TestInternet;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.ExecResponse;
import dev.wrenn.proto.hostagent.v1.NetworkPolicy;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import dev.wrenn.proto.hostagent.v1.UpdateNetworkRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A sandbox's egress policy, seen from inside its guest against a test "internet" of several names and
 * addresses: what is allowed connects, what is not is refused at once, wildcard domains open for the
 * addresses the guest's own resolver handed it, and an update applies to the running sandbox. Each
 * refusal sits beside a connection the same probe makes, so a broken probe cannot pass.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxEgressIT {
    static final String A = "198.18.2.1";
    static final String B = "198.18.2.2";
    static final String CORP = "198.18.3.1";
    static final String NET = "198.18.4.1";

    static TestInternet internet;
    static AgentFixture fx;
    static Sandbox sb;

    @BeforeAll
    static void boot() throws Exception {
        internet = TestInternet.start(
                List.of(A, B, CORP, NET), List.of("a.inet.test=" + A, "b.inet.test=" + B, "c.corp.test=" + CORP));
        System.setProperty("wrenn.dns.upstream", TestInternet.SERVER);
        try {
            fx = AgentFixture.start();
        } finally {
            System.clearProperty("wrenn.dns.upstream");
        }
        sb = fx.blocking
                .withDeadlineAfter(200, TimeUnit.SECONDS)
                .createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId("egress")
                        .setMemoryMb(512)
                        .setNetwork(NetworkPolicy.newBuilder()
                                .setAllowInternetAccess(false)
                                .addAllowOut("*.inet.test")
                                .addAllowOut("198.18.4.0/24"))
                        .build());
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (fx != null) fx.close();
        if (internet != null) internet.close();
    }

    static List<String> probe(String... targets) {
        return GuestProbe.run(fx.blocking, sb.getSandboxId(), List.of(targets));
    }

    @Test
    @Order(1)
    void internetOffAdmitsOnlyTheAllowList() {
        assertThat(sb.getNetwork().getAllowInternetAccess()).isFalse();
        assertThat(probe(CORP + ":80", NET + ":80", TestInternet.SERVER + ":80"))
                .containsExactly(
                        CORP + ":80 closed ConnectionRefusedError 111",
                        NET + ":80 open",
                        TestInternet.SERVER + ":80 closed ConnectionRefusedError 111");
    }

    @Test
    @Order(2)
    void aWildcardOpensForTheAddressesTheGuestWasGiven() {
        // Before the guest resolves b.inet.test its address is just another internet address: refused.
        assertThat(probe(B + ":80")).containsExactly(B + ":80 closed ConnectionRefusedError 111");
        assertThat(probe("dns:b.inet.test", B + ":80", "dns:c.corp.test", CORP + ":80"))
                .containsExactly(
                        "dns:b.inet.test " + B,
                        B + ":80 open",
                        // Internet off refuses addresses, not names: the answer comes, the connection not.
                        "dns:c.corp.test " + CORP,
                        CORP + ":80 closed ConnectionRefusedError 111");
        ExecResponse r = exec("curl -sS -m 20 http://a.inet.test/ && curl -sSk -m 20 https://a.inet.test/");
        assertThat(r.getStdout().toStringUtf8())
                .as(r.getStderr().toStringUtf8())
                .contains("http hello from " + A + " host a.inet.test")
                .contains("https hello from " + A + " host a.inet.test");
    }

    @Test
    @Order(3)
    void anUpdateAppliesToTheRunningSandbox() {
        Sandbox after = fx.blocking
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .updateNetwork(UpdateNetworkRequest.newBuilder()
                        .setSandboxId(sb.getSandboxId())
                        .setNetwork(NetworkPolicy.newBuilder()
                                .setAllowInternetAccess(true)
                                .addDenyOut("c.corp.test")
                                .addDenyOut("198.18.4.0/24"))
                        .build());
        assertThat(after.getNetwork().getDenyOutList()).containsExactly("c.corp.test", "198.18.4.0/24");
        List<String> lines =
                probe("dns:c.corp.test", CORP + ":443", NET + ":80", TestInternet.SERVER + ":443", A + ":80");
        // A denied name is refused by the resolver (glibc reports REFUSED as EAI_AGAIN or EAI_NONAME)...
        assertThat(lines.getFirst()).matches("dns:c\\.corp\\.test failed -[23]");
        assertThat(lines.subList(1, lines.size()))
                .containsExactly(
                        // ...and its address by the firewall, for a guest that knows it anyway.
                        CORP + ":443 closed ConnectionRefusedError 111",
                        NET + ":80 closed ConnectionRefusedError 111",
                        TestInternet.SERVER + ":443 open",
                        A + ":80 open");
        ExecResponse r = exec("curl -sS -m 20 http://c.corp.test/; echo exit $?");
        assertThat(r.getStdout().toStringUtf8()).contains("exit 6");
        assertThat(r.getStderr().toStringUtf8()).contains("Could not resolve host: c.corp.test");
    }

    static Sandbox update(NetworkPolicy.Builder p) {
        return fx.blocking
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .updateNetwork(UpdateNetworkRequest.newBuilder()
                        .setSandboxId(sb.getSandboxId())
                        .setNetwork(p)
                        .build());
    }

    /** curl's output, then "exit N" and its stderr on the last lines. */
    static String curl(String args) {
        ExecResponse r = exec("curl -sS -m 20 " + args + "; echo \"exit $?\"");
        return r.getStdout().toStringUtf8() + r.getStderr().toStringUtf8();
    }

    @Test
    @Order(4)
    void anAddressOpenForOneNameServesNoOther() {
        update(NetworkPolicy.newBuilder().setAllowInternetAccess(false).addAllowOut("a.inet.test"));
        assertThat(curl("http://a.inet.test/")).contains("http hello from " + A + " host a.inet.test", "exit 0");
        assertThat(curl("-k https://a.inet.test/")).contains("https hello from " + A + " host a.inet.test", "exit 0");
        // The same address, asked for another name: by Host header, by TLS server name, by none at all.
        assertThat(curl("-H 'Host: b.inet.test' -w ' %{http_code}' http://a.inet.test/"))
                .contains("wrenn: this sandbox's egress policy does not allow b.inet.test", " 403", "exit 0")
                .doesNotContain("hello");
        assertThat(curl("-k --resolve b.inet.test:443:" + A + " https://b.inet.test/"))
                .contains("exit 35", "access denied")
                .doesNotContain("hello");
        assertThat(curl("-k https://" + A + "/")).contains("exit 35", "access denied");
    }

    @Test
    @Order(5)
    void aDeniedNameIsRefusedAtAnyAddress() {
        update(NetworkPolicy.newBuilder().setAllowInternetAccess(true).addDenyOut("b.inet.test"));
        // A guest that bypasses its resolver for the denied name meets the checker at an address that is open.
        assertThat(curl("-k --resolve b.inet.test:443:" + A + " https://b.inet.test/"))
                .contains("exit 35", "access denied");
        assertThat(curl("-H 'Host: b.inet.test' -w ' %{http_code}' http://" + A + "/"))
                .contains("does not allow b.inet.test", " 403");
        assertThat(curl("-k https://a.inet.test/")).contains("https hello from " + A + " host a.inet.test");
        assertThat(curl("-k https://" + A + "/")).contains("https hello from " + A, "exit 0");
        assertThat(checked()).contains("\"" + AgentFixture.PREFIX + "h");
    }

    @Test
    @Order(6)
    void aPolicyWithoutNamesLeavesWebTrafficUnchecked() {
        update(NetworkPolicy.newBuilder().setAllowInternetAccess(true));
        assertThat(checked()).doesNotContain(AgentFixture.PREFIX + "h");
        assertThat(curl("-H 'Host: b.inet.test' http://" + A + "/"))
                .contains("http hello from " + A + " host b.inet.test");
    }

    /** The guard table's set of slots whose web traffic goes through their name checker. */
    static String checked() {
        try {
            return dev.wrenn.hostagent.host.HostCommand.check(
                    "nft", "list", "set", "inet", AgentFixture.PREFIX + "guard", "checked");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ExecResponse exec(String sh) {
        return fx.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(sb.getSandboxId())
                        .setCmd("sh")
                        .addArgs("-c")
                        .addArgs(sh)
                        .setTimeoutMs(90_000)
                        .build());
    }
}
