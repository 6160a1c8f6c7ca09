package dev.wrenn.controlplane.e2b;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.sandbox.MetricSample;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** E2B's field names are its spec's spelling, and its times RFC 3339 strings. */
class E2bJsonTest {
    @Test
    void recordsAreWrittenUnderE2bsNames() {
        var json = E2bJson.MAPPER.valueToTree(
                new E2bViews.Sandbox("minimal", "sb-1", "base", "wrenn", "0.6.4", null, null, "localhost:8080"));
        assertThat(json.propertyNames())
                .containsExactlyInAnyOrder(
                        "templateID", "sandboxID", "alias", "clientID", "envdVersion", "trafficAccessToken", "domain");
        assertThat(json.get("trafficAccessToken").isNull()).isTrue();
    }

    @Test
    void metricsCarryBothTimestamps() {
        var at = Instant.parse("2026-01-02T03:04:05.678Z");
        var json = E2bJson.MAPPER.valueToTree(E2bViews.metric(new MetricSample(at, 2, 12.5, 1, 2, 3, 4, 5)));
        assertThat(json.get("timestamp").asString()).isEqualTo("2026-01-02T03:04:05.678Z");
        assertThat(json.get("timestampUnix").asLong()).isEqualTo(at.getEpochSecond());
        assertThat(json.get("cpuUsedPct").asDouble()).isEqualTo(12.5);
        assertThat(json.has("memCache")).isTrue();
    }
}
