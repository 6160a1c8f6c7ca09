package dev.wrenn.controlplane.host;

/**
 * The headers every request to a host agent's sandbox proxy ({@link HostAgentClient#proxyUri()}) carries.
 * The host agent removes all three and forwards the rest of the request (method, path, query, headers with
 * Host, body) to the given port of the running sandbox's guest.
 */
public final class HostProxyHeaders {
    /** The host agent's token, {@link HostAgentClient#proxyToken()}; 401 when wrong or missing. */
    public static final String TOKEN = "X-Wrenn-Host-Token";

    public static final String SANDBOX_ID = "X-Wrenn-Sandbox-Id";

    /** The guest's TCP port, 1..65535 (envd: 49983). */
    public static final String SANDBOX_PORT = "X-Wrenn-Sandbox-Port";

    private HostProxyHeaders() {}
}
