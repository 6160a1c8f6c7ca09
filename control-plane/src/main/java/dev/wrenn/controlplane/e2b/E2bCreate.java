package dev.wrenn.controlplane.e2b;

import static dev.wrenn.controlplane.e2b.E2bRequests.bool;
import static dev.wrenn.controlplane.e2b.E2bRequests.field;
import static dev.wrenn.controlplane.e2b.E2bRequests.onlyKnown;
import static dev.wrenn.controlplane.e2b.E2bRequests.unsupportedUnlessEmpty;

import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.network.EgressPolicy;
import dev.wrenn.controlplane.sandbox.CreateRequest;
import dev.wrenn.controlplane.sandbox.EnvVars;
import dev.wrenn.controlplane.sandbox.GuestUser;
import dev.wrenn.controlplane.sandbox.Metadata;
import dev.wrenn.controlplane.sandbox.OnTimeout;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * E2B's NewSandbox in Wrenn's terms. E2B sandboxes get E2B's conventions: commands run as
 * {@code user} in {@code /home/user}, the time-to-live is always set (the default when absent),
 * there is no inactivity auto-pause, and envd traffic is secured unless {@code secure: false}.
 */
final class E2bCreate {
    static final Set<String> FIELDS = Set.of(
            "templateID",
            "timeout",
            "autoPause",
            "autoPauseMemory",
            "autoResume",
            "secure",
            "allow_internet_access",
            "network",
            "metadata",
            "envVars",
            "mcp",
            "iam",
            "volumeMounts");
    private static final Set<String> NETWORK = Set.of(
            "allowPublicTraffic", "allowOut", "denyOut", "egressProxy", "maskRequestHost", "rules", "httpsPorts");

    private E2bCreate() {}

    static CreateRequest parse(JsonNode body, int defaultTimeoutSec, int maxTimeoutSec) {
        onlyKnown(body, "", FIELDS);
        String template =
                E2bRequests.template(E2bRequests.string(body, "templateID").orElse("base"));
        int timeout = E2bRequests.integer(body, "timeout").orElse(defaultTimeoutSec);
        if (timeout <= 0 || timeout > maxTimeoutSec) {
            throw ApiException.invalid("'timeout' must be from 1 to " + maxTimeoutSec + " seconds");
        }
        boolean autoPause = bool(body, "autoPause").orElse(false);
        E2bRequests.memoryKept(body, "autoPauseMemory");
        boolean autoResume = autoResume(field(body, "autoResume"));
        EgressPolicy egress = egress(bool(body, "allow_internet_access").orElse(true), field(body, "network"));
        unsupportedUnlessEmpty(body, "mcp", "the MCP gateway is not part of Wrenn's guest image");
        unsupportedUnlessEmpty(body, "volumeMounts", "Wrenn has no volumes yet");
        var iam = field(body, "iam");
        if (iam != null) unsupportedUnlessEmpty(iam, "tokens", "Wrenn issues no workload identity tokens");
        return new CreateRequest(
                template,
                1,
                512,
                0,
                Metadata.fromJson(body.get("metadata"), "metadata"),
                EnvVars.fromJson(body.get("envVars"), "envVars"),
                timeout,
                autoPause ? OnTimeout.PAUSE : OnTimeout.KILL,
                autoResume,
                bool(body, "secure").orElse(true),
                publicTraffic(field(body, "network")),
                GuestUser.USER,
                0,
                egress);
    }

    private static boolean autoResume(JsonNode node) {
        if (node == null) return false;
        if (!node.isObject()) throw ApiException.invalid("'autoResume' must be an object {\"enabled\": boolean}");
        onlyKnown(node, "autoResume.", Set.of("enabled"));
        return bool(node, "enabled").orElse(false);
    }

    /**
     * E2B's internet switch and its {@code network.allowOut} / {@code network.denyOut} (CIDRs, addresses or
     * domains; allowOut wins), which are Wrenn's egress policy as they are.
     */
    static EgressPolicy egress(boolean internet, JsonNode network) {
        if (network == null || !network.isObject()) return new EgressPolicy(internet, List.of(), List.of());
        return new EgressPolicy(
                internet,
                EgressPolicy.list(network.get("allowOut"), "network.allowOut"),
                EgressPolicy.list(network.get("denyOut"), "network.denyOut"));
    }

    private static boolean publicTraffic(JsonNode network) {
        if (network == null) return true;
        if (!network.isObject()) throw ApiException.invalid("'network' must be an object");
        onlyKnown(network, "network.", NETWORK);
        unsupportedUnlessEmpty(network, "rules", "per-destination rules are not supported; use allowOut and denyOut");
        unsupportedUnlessEmpty(network, "egressProxy", "Wrenn sandboxes reach the internet through their host");
        unsupportedUnlessEmpty(network, "maskRequestHost", "the sandbox proxy does not rewrite Host headers");
        unsupportedUnlessEmpty(network, "httpsPorts", "the sandbox proxy does not terminate TLS per port");
        return bool(network, "allowPublicTraffic").orElse(true);
    }
}
