package dev.wrenn.sdk.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.sdk.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxJsonTest {
    @Test
    void aSandboxIsReadWithItsTimesMetadataAndPolicyAndANewerServersExtras() {
        String body = """
                {"id":"sb-1","status":"running","template":"minimal","vcpus":2,"memory_mb":1024,"timeout_sec":0,
                 "guest_ip":"10.0.0.2","host_ip":"10.0.0.1","created_at":"2026-01-02T03:04:05.123456Z",
                 "started_at":"2026-01-02T03:04:07Z","last_active_at":null,"last_updated":"2026-01-02T03:04:07Z",
                 "metadata":{"app":"web"},"ttl_sec":60,"end_at":null,"on_timeout":"pause","auto_resume":true,
                 "disk_mb":null,"network":{"allow_internet_access":false,"allow_out":["10.0.0.0/8"],"deny_out":[]},
                 "some_future_field":{"x":1}}
                """;
        SandboxInfo s = Json.read(body.getBytes(StandardCharsets.UTF_8), SandboxInfo.class);
        assertThat(s.id()).isEqualTo("sb-1");
        assertThat(s.status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(s.memoryMb()).isEqualTo(1024);
        assertThat(s.createdAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05.123456Z"));
        assertThat(s.lastActiveAt()).isNull();
        assertThat(s.metadata()).isEqualTo(Map.of("app", "web"));
        assertThat(s.onTimeout()).isEqualTo(OnTimeout.PAUSE);
        assertThat(s.autoResume()).isTrue();
        assertThat(s.diskMb()).isNull();
        assertThat(s.network()).isEqualTo(new NetworkPolicy(false, List.of("10.0.0.0/8"), List.of()));
    }

    @Test
    void aStatusThisSdkDoesNotKnowIsUnknownNotAFailure() {
        var s = Json.read(
                "{\"id\":\"sb-1\",\"status\":\"hibernating\"}".getBytes(StandardCharsets.UTF_8), SandboxInfo.class);
        assertThat(s.status()).isEqualTo(SandboxStatus.UNKNOWN);
        assertThat(s.metadata()).isEmpty();
    }

    @Test
    void aCreateSendsOnlyWhatWasSet() {
        assertThat(CreateSandbox.builder().build().json().text()).isEqualTo("{}");
        String all = CreateSandbox.builder()
                .template("py")
                .vcpus(2)
                .memoryMb(2048)
                .diskMb(4096)
                .autoPauseAfter(Duration.ofMinutes(5))
                .ttl(Duration.ofHours(1))
                .onTimeout(OnTimeout.PAUSE)
                .autoResume(true)
                .metadata("a", "1")
                .envVar("K", "v")
                .network(NetworkPolicy.only("10.1.0.0/16"))
                .build()
                .json()
                .text();
        assertThat(Json.tree(all)).isEqualTo(Json.tree("""
                        {"template":"py","vcpus":2,"memory_mb":2048,"disk_mb":4096,"timeout_sec":300,"ttl_sec":3600,
                         "on_timeout":"pause","auto_resume":true,"metadata":{"a":"1"},"env_vars":{"K":"v"},
                         "network":{"allow_internet_access":false,"allow_out":["10.1.0.0/16"],"deny_out":[]}}
                        """));
    }

    @Test
    void aListQueryRepeatsStatusesAndEncodesEachMetadataPairWhole() {
        var q = SandboxQuery.builder()
                .status(SandboxStatus.RUNNING, SandboxStatus.PAUSED)
                .template("minimal")
                .metadata("env", "prod&eu")
                .limit(5)
                .build();
        assertThat(q.query().pathAndQuery())
                .isEqualTo(
                        "/v1/sandboxes?status=running&status=paused&template=minimal&metadata=env%3Dprod%26eu&limit=5");
        assertThat(q.at("abc").query().pathAndQuery()).endsWith("&limit=5&cursor=abc");
        assertThat(SandboxQuery.all().query().pathAndQuery()).isEqualTo("/v1/sandboxes");
    }
}
