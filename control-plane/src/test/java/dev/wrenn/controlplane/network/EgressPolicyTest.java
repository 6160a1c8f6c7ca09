package dev.wrenn.controlplane.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import java.util.List;
import org.junit.jupiter.api.Test;

class EgressPolicyTest {
    static EgressPolicy parse(String json) {
        return EgressPolicy.fromJson(JsonBody.MAPPER.readTree(json), "network");
    }

    @Test
    void entriesAreNormalisedOnce() {
        var p = parse("{\"allow_internet_access\":false,\"allow_out\":[\" API.Example.COM. \",\"api.example.com\","
                + "\"10.0.0.0/8\",\"*.PyPI.org\"],\"deny_out\":[\"192.0.2.7\"]}");
        assertThat(p.allowInternetAccess()).isFalse();
        assertThat(p.allowOut()).containsExactly("api.example.com", "10.0.0.0/8", "*.pypi.org");
        assertThat(p.denyOut()).containsExactly("192.0.2.7");
    }

    @Test
    void absentAndEmptyAreTheOpenDefaultWhichIsStoredAsNull() {
        assertThat(parse("{}")).isEqualTo(EgressPolicy.OPEN);
        assertThat(EgressPolicy.fromJson(null, "network")).isEqualTo(EgressPolicy.OPEN);
        assertThat(EgressPolicy.OPEN.toDatabase()).isNull();
        assertThat(EgressPolicy.fromDatabase(null)).isEqualTo(EgressPolicy.OPEN);
    }

    @Test
    void theStoredFormReadsBackTheSame() {
        var p = new EgressPolicy(false, List.of("*.example.com", "10.1.0.0/16"), List.of("10.1.2.3"));
        assertThat(EgressPolicy.fromDatabase(p.toDatabase())).isEqualTo(p);
    }

    @Test
    void badEntriesNameTheFieldAndTheEntry() {
        bad("{\"allow_out\":[\"10.0.0.1/8\"]}", "'network.allow_out': '10.0.0.1/8' has host bits set past /8");
        bad("{\"deny_out\":[\"1.2.3.4/40\"]}", "prefix past /32");
        bad("{\"deny_out\":[\"256.1.1.1\"]}", "not an IPv4 address");
        bad("{\"deny_out\":[\"fe80::1\"]}", "IPv6");
        bad("{\"deny_out\":[\"*.com\"]}", "neither an IPv4 network nor a domain");
        bad("{\"deny_out\":[\"a..b.com\"]}", "neither an IPv4 network nor a domain");
        bad("{\"deny_out\":[\"-a.com\"]}", "neither an IPv4 network nor a domain");
        bad("{\"deny_out\":[\"1.2.3\"]}", "neither an IPv4 network nor a domain");
        bad("{\"deny_out\":[\"   \"]}", "empty entry");
        bad("{\"deny_out\":[null]}", "array of strings");
        bad("{\"allow_internet_access\":1}", "must be a boolean");
        bad("{\"allowOut\":[]}", "'network.allowOut' is not a known field");
        bad("[]", "must be an object");
    }

    static void bad(String json, String message) {
        assertThatThrownBy(() -> parse(json))
                .as(json)
                .isInstanceOf(ApiException.class)
                .hasMessageContaining(message);
    }
}
