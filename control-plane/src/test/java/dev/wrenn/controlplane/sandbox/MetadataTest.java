package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.controlplane.http.ApiException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class MetadataTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode json(String s) {
        return JSON.readTree(s);
    }

    @Test
    void absentOrNullIsEmptyAndStringsAreKeptSorted() {
        assertThat(Metadata.fromJson(null, "metadata")).isEmpty();
        assertThat(Metadata.fromJson(json("null"), "metadata")).isEmpty();
        assertThat(Metadata.fromJson(json("{\"b\":\"2\",\"a\":\"\"}"), "metadata"))
                .containsExactly(Map.entry("a", ""), Map.entry("b", "2"));
    }

    @Test
    void theBoundsAreInclusive() {
        var most = new HashMap<String, String>();
        for (int i = 0; i < Metadata.MAX_KEYS; i++) most.put("k" + i, "v");
        assertThat(Metadata.check(most, "metadata")).hasSize(64);
        most.put("one-too-many", "v");
        assertInvalid(() -> Metadata.check(most, "metadata"), "at most 64 keys");

        assertThat(Metadata.check(Map.of("k".repeat(256), "v".repeat(1024)), "metadata"))
                .hasSize(1);
        assertInvalid(() -> Metadata.check(Map.of("k".repeat(257), "v"), "metadata"), "keys must be 1 to 256");
        assertInvalid(() -> Metadata.check(Map.of("", "v"), "metadata"), "keys must be 1 to 256");
        assertInvalid(() -> Metadata.check(Map.of("k", "v".repeat(1025)), "metadata"), "longer than 1024");
    }

    @Test
    void onlyAnObjectOfStringsIsMetadata() {
        assertInvalid(() -> Metadata.fromJson(json("[]"), "metadata"), "object of strings");
        assertInvalid(() -> Metadata.fromJson(json("\"k=v\""), "metadata"), "object of strings");
        assertInvalid(() -> Metadata.fromJson(json("{\"n\":1}"), "metadata"), "'metadata.n' must be a string");
        assertInvalid(() -> Metadata.fromJson(json("{\"n\":null}"), "metadata"), "'metadata.n' must be a string");
    }

    @Test
    void itRoundTripsThroughItsStoredForm() {
        var m = Map.of("user", "ann \"quoted\"", "ünï", "çødé");
        assertThat(Metadata.fromDatabase(Metadata.toJson(m))).isEqualTo(m);
    }

    @Test
    void envVarsArePosixNamesWithBoundedValues() {
        assertThat(EnvVars.fromJson(json("{\"A_1\":\"x y\",\"_b\":\"\"}"), "envVars"))
                .containsEntry("A_1", "x y")
                .containsEntry("_b", "");
        assertInvalid(() -> EnvVars.fromJson(json("{\"1A\":\"x\"}"), "envVars"), "must match");
        assertInvalid(() -> EnvVars.fromJson(json("{\"A-B\":\"x\"}"), "envVars"), "must match");
        assertInvalid(() -> EnvVars.fromJson(json("{\"A\":\"x\\u0000y\"}"), "envVars"), "without NUL");
        assertInvalid(() -> EnvVars.fromJson(json("{\"A\":true}"), "envVars"), "must be a string");
    }

    private static void assertInvalid(Runnable r, String message) {
        assertThatThrownBy(r::run)
                .isInstanceOf(ApiException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
    }
}
