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
    /** Marks an error answered before the request's path was known (documented in docs/security/input.md). */
    static final String REFUSED_BY = "Wrenn-Refused-By";

    private static final String UNREAD = "/badMessage";

    /** Jetty gives a body only to GET, POST and HEAD errors: a refused DELETE or PUT got an empty 400. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        ApiError error = ApiError.forStatus(code);
        String path = rawPath(request);
        // Jetty names a request whose line it could not read (a NUL escape, a URI past the header limit) by this
        // placeholder: no route, so no surface is known. It gets Wrenn's envelope and a header saying why.
        if (UNREAD.equals(path)) response.getHeaders().put(REFUSED_BY, "http-parser");
        boolean wrenn = !isE2b(path);
        String text = "request refused by the HTTP layer (" + code + ")";
        String json = wrenn
                ? "{\"error\":{\"code\":\"" + error.code() + "\",\"message\":\"" + text + "\"}}"
                : "{\"code\":" + code + ",\"message\":\"" + text + "\"}";
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** E2B's routes (everything of its surface lives outside /v1) answer in E2B's flat shape. */
    static boolean isE2b(String path) {
        return path.startsWith("/sandboxes") || path.startsWith("/v2/") || path.startsWith("/templates");
    }

    /**
     * The request's path as the client sent it: a URI Jetty refused has no decoded path, so this reads the raw
     * form (which may carry scheme and authority) and cuts at the query.
     */
    static String rawPath(Request request) {
        if (request.getHttpURI() == null) return "";
        String raw = String.valueOf(request.getHttpURI().asString());
        int scheme = raw.indexOf("://");
        if (scheme >= 0) {
            int slash = raw.indexOf('/', scheme + 3);
            raw = slash < 0 ? "/" : raw.substring(slash);
        }
        int query = raw.indexOf('?');
        return query < 0 ? raw : raw.substring(0, query);
    }
}
