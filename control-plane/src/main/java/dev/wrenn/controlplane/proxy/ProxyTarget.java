package dev.wrenn.controlplane.proxy;

/**
 * A sandbox as the proxy routes to it.
 *
 * @param status the sandbox's status, its wire name ({@code running}, {@code paused}, ...)
 * @param secure guest traffic must carry {@code accessToken} in {@code X-Access-Token}; when false the
 *     proxy adds it itself
 * @param trafficAccessToken the token guest-port traffic must carry; null when the sandbox is public
 * @param hostProxy where the host's proxy for this sandbox listens
 */
public record ProxyTarget(
        String sandboxId,
        String status,
        boolean autoResume,
        boolean secure,
        String accessToken,
        String trafficAccessToken,
        java.net.URI hostProxy) {}
