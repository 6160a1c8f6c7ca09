package dev.wrenn.hostagent.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.jetty.http.HttpFields;

/**
 * The three headers the control plane puts on every proxied request, and only there: they say who asks and
 * where to, and are removed before the request goes on to the guest.
 */
final class ProxyHeaders {
    /** The host agent's token (the one gRPC calls carry as a bearer token), compared in constant time. */
    static final String TOKEN = "X-Wrenn-Host-Token";

    static final String SANDBOX_ID = "X-Wrenn-Sandbox-Id";
    /** The guest's TCP port, 1..65535. */
    static final String SANDBOX_PORT = "X-Wrenn-Sandbox-Port";

    private ProxyHeaders() {}

    /** Where a request goes: checked, or a {@link ProxyError} with the status to answer. */
    record Target(String sandboxId, int port) {}

    static boolean tokenMatches(byte[] expected, HttpFields headers) {
        String presented = headers.get(TOKEN);
        return presented != null && MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
    }

    static Target target(HttpFields headers) throws ProxyError {
        String id = headers.get(SANDBOX_ID);
        if (id == null || id.isBlank()) throw new ProxyError(400, SANDBOX_ID + " is required", null, 0);
        String port = headers.get(SANDBOX_PORT);
        if (port == null || port.isBlank()) throw new ProxyError(400, SANDBOX_PORT + " is required", id, 0);
        int p;
        try {
            p = port.strip().matches("[0-9]{1,5}") ? Integer.parseInt(port.strip()) : -1;
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 1 || p > 65535) {
            throw new ProxyError(400, SANDBOX_PORT + " must be a port number 1..65535, got '" + port + "'", id, 0);
        }
        return new Target(id.strip(), p);
    }
}
