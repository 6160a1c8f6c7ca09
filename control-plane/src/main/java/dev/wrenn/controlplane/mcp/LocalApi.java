package dev.wrenn.controlplane.mcp;

import dev.wrenn.controlplane.http.JsonBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The server's own public API, reached over its plain HTTP connector on loopback. MCP tools are clients of that API
 * with the caller's own credential, so every check a route makes (team scope, quotas, limits, audit) holds for them
 * exactly as for any other client, and there is one implementation of each operation.
 */
final class LocalApi {
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String host;
    private volatile URI base;

    /** {@code bindHost} is the address the server listens on; a wildcard one is reached on loopback. */
    LocalApi(String bindHost) {
        boolean wildcard =
                bindHost == null || bindHost.isBlank() || bindHost.equals("0.0.0.0") || bindHost.equals("::");
        String h = wildcard ? "127.0.0.1" : bindHost;
        this.host = h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    /** The server is up on {@code port}: calls can be made from now on. */
    void listening(int port) {
        base = URI.create("http://" + host + ":" + port);
    }

    /** The API as one caller: the credential header of the request that called the tool, passed on as it came. */
    Caller as(String header, String value) {
        return new Caller(header, value);
    }

    /** An error answer of the API, in its envelope. */
    static final class Failure extends RuntimeException {
        final int status;
        final String code;

        Failure(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    final class Caller {
        private final String header;
        private final String value;

        private Caller(String header, String value) {
            this.header = header;
            this.value = value;
        }

        JsonNode get(String path) {
            return json(send(request(path).GET()));
        }

        JsonNode post(String path, JsonNode body) {
            return json(send(request(path)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))));
        }

        void delete(String path) {
            send(request(path).DELETE());
        }

        /** A POST whose answer is bytes, not JSON (a file's content). */
        byte[] postForBytes(String path, JsonNode body) {
            return send(request(path)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        }

        /** {@code files/write}'s multipart form: the path, then the file. */
        void upload(String path, String target, byte[] data) {
            String boundary = "wrenn-mcp-" + UUID.randomUUID();
            var form = new ByteArrayOutputStream();
            form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n" + target
                            + "\r\n--" + boundary
                            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n"
                            + "Content-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            form.writeBytes(data);
            form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            send(request(path)
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(form.toByteArray())));
        }

        private HttpRequest.Builder request(String path) {
            if (base == null) throw new IllegalStateException("the server is not listening yet");
            return HttpRequest.newBuilder(base.resolve(path)).header(header, value);
        }

        private byte[] send(HttpRequest.Builder request) {
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while calling the API", e);
            }
            if (response.statusCode() >= 400) throw failure(response);
            return response.body();
        }
    }

    private static JsonNode json(byte[] body) {
        if (body.length == 0) return JsonBody.MAPPER.nullNode();
        return JsonBody.MAPPER.readTree(body);
    }

    private static Failure failure(HttpResponse<byte[]> response) {
        try {
            var error = JsonBody.MAPPER.readTree(response.body()).path("error");
            if (error.isObject()) {
                return new Failure(
                        response.statusCode(),
                        error.path("code").asString("error"),
                        error.path("message").asString(""));
            }
        } catch (RuntimeException e) {
            // Not the envelope: fall through to the status alone.
        }
        return new Failure(
                response.statusCode(), "http_" + response.statusCode(), "the API answered " + response.statusCode());
    }
}
