package dev.wrenn.controlplane.proxy;

/**
 * A sandbox as the proxy sees it.
 *
 * @param status the {@code SandboxStatus} wire name
 * @param trafficAccessToken the token traffic to ports other than envd's must carry; null: public
 * @param hostProxy base URL of the proxy of the host agent that holds the sandbox
 */
public record ProxyTarget(
        String sandboxId,
        String status,
        boolean autoResume,
        boolean secure,
        String accessToken,
        String trafficAccessToken,
        java.net.URI hostProxy) {}
