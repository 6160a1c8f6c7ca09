package dev.wrenn.guestagent.connect;

import com.sun.net.httpserver.HttpExchange;
import dev.wrenn.guestagent.http.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Connect protocol over HTTP/1.1 with the JSON codec: unary calls ({@code application/json}) and server
 * streams ({@code application/connect+json}, enveloped). Routes are {@code POST /<package>.<Service>/<Method>}.
 */
public final class ConnectServer {
    /** Requests are single messages; the largest legitimate one is a SendInput chunk. */
    static final int MAX_MESSAGE = 8 * 1024 * 1024;

    private final Map<String, Methods.Unary> unary = new ConcurrentHashMap<>();
    private final Map<String, Methods.ServerStream> streams = new ConcurrentHashMap<>();
    private final Set<String> clientStreams = ConcurrentHashMap.newKeySet();

    public void unary(String path, Methods.Unary method) {
        unary.put(path, method);
    }

    public void serverStream(String path, Methods.ServerStream method) {
        streams.put(path, method);
    }

    /** A client- or bidi-streaming method the agent knows but does not serve: answered {@code unimplemented}. */
    public void unsupported(String path) {
        clientStreams.add(path);
    }

    /** Answers a call with {@code error} before it is served, in the shape its content type expects. */
    public void reject(HttpExchange ex, ConnectError error) throws IOException {
        String contentType = mediaType(ex.getRequestHeaders().getFirst("Content-Type"));
        if (contentType.startsWith("application/connect+")) sendStreamError(ex, error);
        else sendUnaryError(ex, error);
    }

    public void serve(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String contentType = mediaType(ex.getRequestHeaders().getFirst("Content-Type"));
        boolean streaming = contentType.startsWith("application/connect+");
        try {
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "POST");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            Methods.Unary u = unary.get(path);
            Methods.ServerStream s = streams.get(path);
            if (u == null && s == null) {
                throw clientStreams.contains(path)
                        ? new ConnectError("unimplemented", "client streaming is not supported: " + path)
                        : new ConnectError("unimplemented", "no such method: " + path);
            }
            if (u != null) {
                if (!contentType.equals("application/json")) {
                    unsupportedMediaType(ex, "application/json");
                    return;
                }
                checkProtocolVersion(ex);
                serveUnary(ex, u);
            } else {
                if (!contentType.equals("application/connect+json")) {
                    unsupportedMediaType(ex, "application/connect+json");
                    return;
                }
                serveStream(ex, s);
            }
        } catch (ConnectError e) {
            if (streaming) sendStreamError(ex, e);
            else sendUnaryError(ex, e);
        } catch (RuntimeException e) {
            // a bug or an unexpected failure still answers in Connect's shape, not the agent protocol's
            ConnectError internal = ConnectError.internal(e.toString());
            if (streaming) sendStreamError(ex, internal);
            else sendUnaryError(ex, internal);
        }
    }

    private static String mediaType(String contentType) {
        if (contentType == null) return "";
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase();
    }

    private static void checkProtocolVersion(HttpExchange ex) {
        String v = ex.getRequestHeaders().getFirst("Connect-Protocol-Version");
        if (v != null && !v.trim().equals("1")) {
            throw ConnectError.invalidArgument("unsupported Connect-Protocol-Version: " + v);
        }
    }

    private static long deadline(HttpExchange ex) {
        String t = ex.getRequestHeaders().getFirst("Connect-Timeout-Ms");
        if (t == null) return 0;
        // The specification allows at most 10 ASCII digits.
        if (!t.matches("[0-9]{1,10}")) throw ConnectError.invalidArgument("bad Connect-Timeout-Ms: " + t);
        long ms = Long.parseLong(t);
        long d = System.nanoTime() + ms * 1_000_000L;
        return d == 0 ? 1 : d;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> decode(byte[] body) {
        if (body.length == 0) return Map.of();
        Object parsed;
        try {
            parsed = Json.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw ConnectError.invalidArgument("cannot decode the message: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> m)) throw ConnectError.invalidArgument("the message must be a JSON object");
        return (Map<String, Object>) m;
    }

    private static void serveUnary(HttpExchange ex, Methods.Unary method) throws IOException {
        if (ex.getRequestHeaders().getFirst("Content-Encoding") != null
                && !"identity".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
            throw new ConnectError("unimplemented", "compression is not supported");
        }
        long deadline = deadline(ex);
        byte[] body = ex.getRequestBody().readNBytes(MAX_MESSAGE + 1);
        if (body.length > MAX_MESSAGE) throw new ConnectError("resource_exhausted", "message too large");
        var call = new Call(ex.getRequestHeaders(), decode(body), deadline);
        if (call.hasDeadline() && call.nanosLeft() <= 0) throw new ConnectError("deadline_exceeded", "deadline passed");
        Map<String, Object> result;
        try {
            result = method.call(call);
        } catch (IOException e) {
            throw ConnectError.internal(e.getMessage());
        }
        byte[] out = Json.write(result).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    private static void serveStream(HttpExchange ex, Methods.ServerStream method) throws IOException {
        checkProtocolVersion(ex);
        String enc = ex.getRequestHeaders().getFirst("Connect-Content-Encoding");
        if (enc != null && !enc.equals("identity")) throw new ConnectError("unimplemented", "compression: " + enc);
        long deadline = deadline(ex);
        Envelope first;
        try {
            first = Envelope.read(ex.getRequestBody(), MAX_MESSAGE);
        } catch (java.io.EOFException e) {
            throw ConnectError.invalidArgument(e.getMessage());
        }
        if (first == null) throw ConnectError.invalidArgument("the request carries no message");
        if ((first.flags() & Envelope.COMPRESSED) != 0) throw new ConnectError("unimplemented", "compressed message");
        var call = new Call(ex.getRequestHeaders(), decode(first.data()), deadline);

        ex.getResponseHeaders().set("Content-Type", "application/connect+json");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        StreamSink sink = message -> {
            synchronized (out) {
                Envelope.write(out, 0, Json.write(message).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        };
        ConnectError failure = null;
        try {
            method.stream(call, sink);
        } catch (ConnectError e) {
            failure = e;
        } catch (InterruptedException e) {
            failure = new ConnectError("canceled", "the agent is shutting down");
        } catch (IOException e) {
            // Either the client is gone (then the end-of-stream write below fails too) or the handler failed.
            failure = ConnectError.internal(e.getMessage());
        } catch (RuntimeException e) {
            failure = ConnectError.internal(e.toString());
        }
        synchronized (out) {
            Envelope.write(out, Envelope.END_STREAM, endStream(failure));
            out.close();
        }
    }

    private static byte[] endStream(ConnectError e) {
        Map<String, Object> end = e == null ? Map.of() : Map.of("error", errorJson(e));
        return Json.write(end).getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> errorJson(ConnectError e) {
        var m = new LinkedHashMap<String, Object>();
        m.put("code", e.code());
        if (e.getMessage() != null) m.put("message", e.getMessage());
        return m;
    }

    private static void sendUnaryError(HttpExchange ex, ConnectError e) throws IOException {
        byte[] out = Json.write(errorJson(e)).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(ConnectError.httpStatus(e.code()), out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    /** A stream that fails before it starts still answers 200 with only the end-of-stream envelope. */
    private static void sendStreamError(HttpExchange ex, ConnectError e) throws IOException {
        byte[] end = endStream(e);
        ex.getResponseHeaders().set("Content-Type", "application/connect+json");
        ex.sendResponseHeaders(200, end.length + 5L);
        try (OutputStream os = ex.getResponseBody()) {
            Envelope.write(os, Envelope.END_STREAM, end);
        }
    }

    private static void unsupportedMediaType(HttpExchange ex, String expected) throws IOException {
        ex.getResponseHeaders().set("Accept-Post", expected);
        ex.sendResponseHeaders(415, -1);
    }
}
