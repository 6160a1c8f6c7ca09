package dev.wrenn.controlplane.e2b;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.wrenn.controlplane.sandbox.AccessTokens;
import dev.wrenn.controlplane.sandbox.MetricSample;
import dev.wrenn.controlplane.sandbox.SandboxStatus;
import dev.wrenn.controlplane.sandbox.SandboxStore;
import dev.wrenn.controlplane.template.TemplateView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The shapes of E2B's spec (Sandbox, SandboxDetail, ListedSandbox, SandboxMetric, Template) from our rows. */
final class E2bViews {
    /** E2B has no "never": a sandbox without a time-to-live (one made through {@code /v1}) ends at this. */
    static final Instant NO_END = Instant.parse("9999-12-31T23:59:59Z");
    /** E2B's deprecated client id: one per server, as Wrenn has no per-client placement to name. */
    static final String CLIENT_ID = "wrenn";

    private final AccessTokens tokens;
    private final SandboxDomain domain;

    E2bViews(AccessTokens tokens, SandboxDomain domain) {
        this.tokens = tokens;
        this.domain = domain;
    }

    /** The answer to a create or a connect: what a client needs to reach the guest. */
    record Sandbox(
            String templateID,
            String sandboxID,
            String alias,
            String clientID,
            String envdVersion,
            @JsonInclude(JsonInclude.Include.NON_NULL) String envdAccessToken,
            String trafficAccessToken,
            String domain) {}

    record Lifecycle(boolean autoResume, String onTimeout) {}

    record Network(boolean allowPublicTraffic, List<String> allowOut, List<String> denyOut) {}

    record SandboxDetail(
            String templateID,
            String alias,
            String sandboxID,
            String clientID,
            Instant startedAt,
            Instant endAt,
            String envdVersion,
            @JsonInclude(JsonInclude.Include.NON_NULL) String envdAccessToken,
            Boolean allowInternetAccess,
            String domain,
            int cpuCount,
            int memoryMB,
            int diskSizeMB,
            Map<String, String> metadata,
            String state,
            Network network,
            Lifecycle lifecycle,
            List<Object> volumeMounts) {}

    record ListedSandbox(
            String templateID,
            String alias,
            String sandboxID,
            String clientID,
            Instant startedAt,
            Instant endAt,
            int cpuCount,
            int memoryMB,
            int diskSizeMB,
            Map<String, String> metadata,
            String state,
            String envdVersion,
            List<Object> volumeMounts) {}

    record Metric(
            Instant timestamp,
            long timestampUnix,
            int cpuCount,
            double cpuUsedPct,
            long memUsed,
            long memTotal,
            long memCache,
            long diskUsed,
            long diskTotal) {}

    record Template(
            String templateID,
            String buildID,
            int cpuCount,
            int memoryMB,
            int diskSizeMB,
            @JsonProperty("public") boolean isPublic,
            List<String> aliases,
            List<String> names,
            Instant createdAt,
            Instant updatedAt,
            Object createdBy,
            Instant lastSpawnedAt,
            long spawnCount,
            int buildCount,
            String envdVersion,
            String buildStatus) {}

    /** E2B's states are running and paused; the routes show no other row. */
    static String state(SandboxStatus status) {
        return status == SandboxStatus.PAUSED ? "paused" : "running";
    }

    Sandbox sandbox(SandboxStore.Row row) {
        String id = row.id();
        return new Sandbox(
                row.view().template(),
                id,
                E2bRequests.alias(row.view().template()),
                CLIENT_ID,
                EnvdVersion.VALUE,
                row.secure() ? tokens.envd(id) : null,
                row.publicTraffic() ? null : tokens.traffic(id),
                domain.value());
    }

    SandboxDetail detail(SandboxStore.Row row) {
        var v = row.view();
        return new SandboxDetail(
                v.template(),
                E2bRequests.alias(v.template()),
                v.id(),
                CLIENT_ID,
                started(row),
                v.endAt() == null ? NO_END : v.endAt(),
                EnvdVersion.VALUE,
                row.secure() ? tokens.envd(v.id()) : null,
                v.network().allowInternetAccess(),
                domain.value(),
                v.vcpus(),
                v.memoryMb(),
                0,
                v.metadata(),
                state(row.status()),
                new Network(
                        row.publicTraffic(), v.network().allowOut(), v.network().denyOut()),
                new Lifecycle(v.autoResume(), v.onTimeout()),
                List.of());
    }

    ListedSandbox listed(SandboxStore.Row row) {
        var v = row.view();
        return new ListedSandbox(
                v.template(),
                E2bRequests.alias(v.template()),
                v.id(),
                CLIENT_ID,
                started(row),
                v.endAt() == null ? NO_END : v.endAt(),
                v.vcpus(),
                v.memoryMb(),
                0,
                v.metadata(),
                state(row.status()),
                EnvdVersion.VALUE,
                List.of());
    }

    static Metric metric(MetricSample s) {
        return new Metric(
                s.timestamp(),
                s.timestamp().getEpochSecond(),
                s.cpuCount(),
                s.cpuUsedPct(),
                s.memUsed(),
                s.memTotal(),
                s.memCache(),
                s.diskUsed(),
                s.diskTotal());
    }

    static Template template(TemplateView t) {
        var names = new ArrayList<String>();
        names.add(t.name());
        if (!E2bRequests.alias(t.name()).equals(t.name())) names.add(E2bRequests.alias(t.name()));
        return new Template(
                t.name(),
                t.name(),
                t.vcpus() == null ? 1 : t.vcpus(),
                t.memoryMb() == null ? 512 : t.memoryMb(),
                (int) Math.min(Integer.MAX_VALUE, t.sizeBytes() / (1024 * 1024)),
                t.type().equals("base"),
                List.copyOf(names),
                List.copyOf(names),
                t.createdAt(),
                t.createdAt(),
                null,
                null,
                0,
                1,
                EnvdVersion.VALUE,
                "ready");
    }

    private static Instant started(SandboxStore.Row row) {
        return row.view().startedAt() != null
                ? row.view().startedAt()
                : row.view().createdAt();
    }
}
