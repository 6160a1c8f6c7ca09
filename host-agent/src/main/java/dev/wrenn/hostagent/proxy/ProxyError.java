package dev.wrenn.hostagent.proxy;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An answer of the proxy itself, not of the guest: {@code {"code": status, "message": ..., "sandboxId": ...,
 * "port": ...}} (the last two when known), the shape of envd's own HTTP errors.
 */
final class ProxyError extends Exception {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    final int status;
    final String sandboxId;
    final int port;

    ProxyError(int status, String message, String sandboxId, int port) {
        super(message, null, false, false);
        this.status = status;
        this.sandboxId = sandboxId;
        this.port = port;
    }

    static ProxyError notRunning(String sandboxId) {
        return new ProxyError(502, "sandbox " + sandboxId + " is not running", sandboxId, 0);
    }

    static ProxyError nothingListening(String sandboxId, int port) {
        return new ProxyError(
                502, "nothing is listening on port " + port + " of sandbox " + sandboxId, sandboxId, port);
    }

    byte[] body() {
        ObjectNode n = JSON.createObjectNode();
        n.put("code", status);
        n.put("message", getMessage());
        if (sandboxId != null) n.put("sandboxId", sandboxId);
        if (port > 0) n.put("port", port);
        return JSON.writeValueAsBytes(n);
    }

    /** Answers with this error; the response must not be committed (whatever it had so far is dropped). */
    void send(Response response, Callback callback) {
        byte[] body = body();
        response.reset();
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
