package dev.wrenn.hostagent.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkPolicyTest {
    @Test
    void entriesAreNormalisedAndSplitIntoNetworksAndDomains() {
        var p = new NetworkPolicy(false, List.of("10.0.0.0/8", "1.2.3.4", "API.Example.com.", "*.example.org"), null);
        assertThat(p.allowOut()).containsExactly("10.0.0.0/8", "1.2.3.4/32", "api.example.com", "*.example.org");
        assertThat(p.denyOut()).isEmpty();
        assertThat(p.allowed().networks()).hasSize(2);
        assertThat(p.allowed().domains()).hasSize(2);
    }

    @Test
    void badEntriesAreRefusedWithTheirName() {
        assertThatThrownBy(() -> new NetworkPolicy(true, List.of("10.0.0.1/8"), List.of()))
                .hasMessageContaining("host bits");
        assertThatThrownBy(() -> new NetworkPolicy(true, List.of("300.0.0.0/8"), List.of()))
                .hasMessageContaining("not an IPv4");
        assertThatThrownBy(() -> new NetworkPolicy(true, List.of(), List.of("10.0.0.0/33")))
                .hasMessageContaining("deny_out")
                .hasMessageContaining("prefix length");
        assertThatThrownBy(() -> new NetworkPolicy(true, List.of("2001:db8::/32"), List.of()))
                .hasMessageContaining("IPv6");
        assertThatThrownBy(() -> new NetworkPolicy(true, List.of("bad_name.com"), List.of()))
                .hasMessageContaining("not a domain");
        assertThatThrownBy(() -> new NetworkPolicy(true, List.of("localhost"), List.of()))
                .hasMessageContaining("fully qualified");
        assertThatThrownBy(() -> new NetworkPolicy(true, List.of(""), List.of()))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> new NetworkPolicy(true, Collections.nCopies(257, "1.2.3.4"), List.of()))
                .hasMessageContaining("at most 256");
    }

    @Test
    void domainMatching() {
        DomainPattern exact = DomainPattern.parse("api.example.com");
        DomainPattern wild = DomainPattern.parse("*.example.com");
        assertThat(exact.matches("API.example.com.")).isTrue();
        assertThat(exact.matches("x.api.example.com")).isFalse();
        assertThat(wild.matches("a.b.example.com")).isTrue();
        assertThat(wild.matches("example.com")).isFalse();
        assertThat(wild.matches("badexample.com")).isFalse();
    }

    @Test
    void rulesRefuseByDefaultOnlyWithInternetOff() {
        var off = new NetworkPolicy(false, List.of("10.1.0.0/16"), List.of("10.1.2.0/24"));
        String r = EgressRules.render("t-egress", "tap", "10.0.0.1", off, Map.of(0x01020304, 70), Map.of());
        assertThat(r).contains("elements = { 10.1.0.0/16 }", "1.2.3.4 timeout 70s", "    jump refuse\n  }");
        assertThat(r.indexOf("@allow_net accept")).isLessThan(r.indexOf("@deny_net jump refuse"));
        String on = EgressRules.render("t-egress", "tap", "10.0.0.1", NetworkPolicy.OPEN, Map.of(), Map.of());
        assertThat(on).contains("    accept\n  }");
    }
}
