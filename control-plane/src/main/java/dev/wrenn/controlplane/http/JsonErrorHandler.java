package dev.wrenn.controlplane.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty answers some requests before any route sees them (a URI that is not valid UTF-8 or percent-encoding, a URI
 * or header too long, a bad Content-Length): those answers get the envelope too instead of Jetty's HTML page. The
 * hostile-input suite found the HTML pages (HostileInputIT, invalid path segments and oversized URIs).
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        ApiError error = ApiError.forStatus(code);
        String path = request.getHttpURI() == null
                ? ""
                : String.valueOf(request.getHttpURI().getPath());
        // E2B's routes (everything outside /v1) answer in E2B's flat shape.
        // When Jetty could not parse the URI at all, the default is Wrenn's own envelope.
        boolean wrenn = !(path.startsWith("/sandboxes") || path.startsWith("/v2/") || path.startsWith("/templates"));
        String text = "request refused by the HTTP layer (" + code + ")";
        String json = wrenn
                ? "{\"error\":{\"code\":\"" + error.code() + "\",\"message\":\"" + text + "\"}}"
                : "{\"code\":" + code + ",\"message\":\"" + text + "\"}";
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
