package dev.wrenn.hostagent.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearnedAddressesTest {
    static final int A = Cidr.parseAddress("198.18.2.1");
    static final int B = Cidr.parseAddress("198.18.2.2");

    static NetworkPolicy.Targets list(String... entries) {
        return new NetworkPolicy(false, List.of(entries), List.of()).allowed();
    }

    @Test
    void aNameResolvedAgainSoonCostsNoFirewallCall() {
        LearnedAddresses l = new LearnedAddresses();
        assertThat(l.learn("a.inet.test", A, 0)).isTrue();
        assertThat(l.learn("a.inet.test", A, 1_000)).isFalse();
        // Past half its time it is renewed.
        assertThat(l.learn("a.inet.test", A, LearnedAddresses.TIMEOUT_S * 600L)).isTrue();
    }

    @Test
    void collectsWhatTheListMatchesWithTheTimeLeft() {
        LearnedAddresses l = new LearnedAddresses();
        l.learn("a.inet.test", A, 0);
        l.learn("b.other.test", B, 0);
        Map<Integer, Integer> into = new HashMap<>();
        l.collect(list("*.inet.test"), into, 100_000);
        assertThat(into).containsOnly(Map.entry(A, LearnedAddresses.TIMEOUT_S - 100));
    }

    @Test
    void expiredAddressesAreDropped() {
        LearnedAddresses l = new LearnedAddresses();
        l.learn("a.inet.test", A, 0);
        Map<Integer, Integer> into = new HashMap<>();
        l.collect(list("*.inet.test", "b.other.test"), into, LearnedAddresses.TIMEOUT_S * 1000L + 1);
        assertThat(into).isEmpty();
    }
}
