package dev.wrenn.guestagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Connect protocol itself: content types, error statuses, envelopes read in pieces, end-of-stream. */
class ConnectFramingTest extends EnvdTestCase {
    private HttpResponse<String> raw(String method, String contentType, String body, String... headers)
            throws Exception {
        var b = HttpRequest.newBuilder(h.agent.uri("/" + method))
                .header("Content-Type", contentType)
                .header("X-Access-Token", h.agent.token)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return h.agent.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void unaryErrorsCarryTheCodeTableStatusAndJson() throws Exception {
        var missing = h.rpc.unary(
                "filesystem.Filesystem/Stat", Map.of("path", dir.resolve("nope").toString()));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/json");
        assertThat(missing.code()).isEqualTo("not_found");
        assertThat((String) missing.body().get("message")).contains("nope");

        var unknown = h.rpc.unary("process.Process/NoSuchMethod", Map.of());
        assertThat(unknown.status()).isEqualTo(501);
        assertThat(unknown.code()).isEqualTo("unimplemented");

        var clientStream = h.rpc.unary("process.Process/StreamInput", Map.of());
        assertThat(clientStream.code()).isEqualTo("unimplemented");

        var badJson = raw("process.Process/List", "application/json", "{not json");
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(badJson.body()).contains("\"invalid_argument\"");

        var badVersion = raw("process.Process/List", "application/json", "{}", "Connect-Protocol-Version", "2");
        assertThat(badVersion.statusCode()).isEqualTo(400);

        var badTimeout = raw("process.Process/List", "application/json", "{}", "Connect-Timeout-Ms", "soon");
        assertThat(badTimeout.statusCode()).isEqualTo(400);
    }

    @Test
    void wrongContentTypesAre415() throws Exception {
        assertThat(raw("process.Process/List", "application/proto", "").statusCode())
                .isEqualTo(415);
        assertThat(raw("process.Process/List", "text/plain", "{}").statusCode()).isEqualTo(415);
        // a streaming method called as unary, and the other way round
        assertThat(raw("process.Process/Start", "application/json", "{}").statusCode())
                .isEqualTo(415);
        assertThat(raw("process.Process/List", "application/connect+json", "").statusCode())
                .isEqualTo(415);
        // charset parameters are fine
        assertThat(raw("process.Process/List", "application/json; charset=utf-8", "{}")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void withoutTheAccessTokenCallsAreUnauthenticated() throws Exception {
        var anon = new ConnectClient(h.agent.http, h.agent.uri("/"), null);
        var r = anon.unary("process.Process/List", Map.of());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("unauthenticated");
        var wrong = new ConnectClient(h.agent.http, h.agent.uri("/"), "wrong-token");
        try (var s = wrong.stream("process.Process/Start", EnvdHarness.cmd("true"))) {
            assertThat(s.errorCode()).isEqualTo("unauthenticated");
        }
        // the token counts only in X-Access-Token, not as a Bearer credential
        var bearer = anon.with("Authorization", "Bearer " + h.agent.token);
        assertThat(bearer.unary("process.Process/List", Map.of()).status()).isEqualTo(401);
    }

    @Test
    void unknownFieldsAreIgnoredAndSnakeCaseNamesAccepted() throws Exception {
        var file = java.nio.file.Files.writeString(dir.resolve("f"), "x");
        var r = h.rpc.ok("filesystem.Filesystem/Stat", Map.of("path", file.toString(), "someFutureField", 1));
        assertThat(r).containsKey("entry");
        var id = h.rpc.ok("filesystem.Filesystem/CreateWatcher", Map.of("path", dir.toString()));
        String watcherId = (String) id.get("watcherId");
        assertThat(h.rpc.ok("filesystem.Filesystem/GetWatcherEvents", Map.of("watcher_id", watcherId)))
                .containsKey("events");
        h.rpc.ok("filesystem.Filesystem/RemoveWatcher", Map.of("watcher_id", watcherId));
    }

    @Test
    void streamErrorAfterTheHeadersIsInTheEndOfStreamEnvelope() throws Exception {
        try (var s = h.rpc.stream("process.Process/Connect", Map.of("process", Map.of("pid", 4_000_000)))) {
            assertThat(s.status).isEqualTo(200);
            assertThat(s.contentType).startsWith("application/connect+json");
            assertThat(s.next()).isNull();
            assertThat(s.errorCode()).isEqualTo("not_found");
        }
        try (var s = h.rpc.stream(
                "filesystem.Filesystem/WatchDir",
                Map.of("path", dir.toString()),
                Map.of("Connect-Timeout-Ms", "300"))) {
            assertThat(s.next()).containsKey("start");
            assertThat(s.errorCode()).isEqualTo("deadline_exceeded");
        }
    }

    /** The request envelope arrives a few bytes at a time, over a raw socket: the server must reassemble it. */
    @Test
    void envelopeSplitAcrossManyWritesIsReassembled() throws Exception {
        byte[] msg = "{\"process\":{\"cmd\":\"/bin/echo\",\"args\":[\"split\"]}}".getBytes(StandardCharsets.UTF_8);
        byte[] env = ConnectClient.envelope(0, msg);
        try (var socket = new Socket("127.0.0.1", h.agent.agent.port())) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            String head = "POST /process.Process/Start HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/connect+json\r\nX-Access-Token: " + h.agent.token + "\r\n"
                    + "Content-Length: " + env.length + "\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < env.length; i += 3) {
                out.write(env, i, Math.min(3, env.length - i));
                out.flush();
                // Not synchronisation: a pause between writes keeps them separate segments on loopback, so the
                // server's reads really do see the envelope in pieces (written at once, one read could get it all).
                Thread.sleep(2);
            }
            String response = readAll(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 200");
            assertThat(response).contains("c3BsaXQK"); // base64 of "split\n"
            assertThat(response).contains("\"exitCode\":0");
        }
    }

    /** The response is chunked HTTP/1.1; this undoes the chunking and returns headers plus body as text. */
    private static String readAll(InputStream in) throws Exception {
        var all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int split = text.indexOf("\r\n\r\n");
        var body = new ByteArrayOutputStream();
        var data = new DataInputStream(new java.io.ByteArrayInputStream(all.toByteArray(), split + 4, all.size()));
        while (true) {
            String line = readLine(data);
            if (line == null || line.isEmpty()) break;
            int size = Integer.parseInt(line.trim(), 16);
            if (size == 0) break;
            body.write(data.readNBytes(size));
            readLine(data);
        }
        return text.substring(0, split + 4) + body.toString(StandardCharsets.ISO_8859_1);
    }

    private static String readLine(DataInputStream in) throws Exception {
        var sb = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') return sb.toString().replace("\r", "");
            sb.append((char) b);
        }
        return sb.isEmpty() ? null : sb.toString();
    }
}
