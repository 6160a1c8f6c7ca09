package dev.wrenn.controlplane.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.json.JsonMapper;

/**
 * The proxy's own answers, in the shape E2B's proxy gives them: {@code {"code": <status>, "message": ...,
 * "sandboxId": ...}}. The SDK reads a 502 as "the sandbox is not running" ({@code isRunning()}).
 */
final class ProxyErrors {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProxyErrors() {}

    static void write(Response response, Callback callback, int status, String message, String sandboxId) {
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("code", status);
        body.put("message", message);
        if (sandboxId != null) body.put("sandboxId", sandboxId);
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
