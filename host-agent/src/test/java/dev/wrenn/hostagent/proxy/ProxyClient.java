package dev.wrenn.hostagent.proxy;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests to a host agent's sandbox proxy as the control plane makes them (java.net.http, the three
 * X-Wrenn headers), and the Connect framing of envd's server streams, read envelope by envelope.
 */
final class ProxyClient {
    static final JsonMapper JSON = JsonMapper.builder().build();

    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final int proxyPort;
    final String hostToken;

    ProxyClient(int proxyPort, String hostToken) {
        this.proxyPort = proxyPort;
        this.hostToken = hostToken;
    }

    /** A request for {@code pathAndQuery} on {@code guestPort} of {@code sandboxId}, the host token included. */
    HttpRequest.Builder to(String sandboxId, int guestPort, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + pathAndQuery))
                .header("X-Wrenn-Host-Token", hostToken)
                .header("X-Wrenn-Sandbox-Id", sandboxId)
                .header("X-Wrenn-Sandbox-Port", Integer.toString(guestPort));
    }

    /** envd's process.Process/Start of {@code sh -c script}, as the default user, with the sandbox's token. */
    HttpRequest start(String sandboxId, String guestToken, String script) {
        var req = JSON.createObjectNode();
        var p = req.putObject("process");
        p.put("cmd", "/bin/sh");
        p.putArray("args").add("-c").add(script);
        return to(sandboxId, 49983, "/process.Process/Start")
                .header("Content-Type", "application/connect+json")
                .header("Connect-Protocol-Version", "1")
                .header("X-Access-Token", guestToken)
                .POST(HttpRequest.BodyPublishers.ofByteArray(frame(JSON.writeValueAsBytes(req))))
                .build();
    }

    static byte[] frame(byte[] json) {
        return ByteBuffer.allocate(5 + json.length)
                .put((byte) 0)
                .putInt(json.length)
                .put(json)
                .array();
    }

    /** One envelope of a Connect stream as it arrives: its flags and JSON message. */
    record Envelope(int flags, JsonNode message) {
        boolean endOfStream() {
            return (flags & 0x02) != 0;
        }

        /** The stdout bytes of a process data event, or null for any other event. */
        String stdout() {
            JsonNode out = message.path("event").path("data").path("stdout");
            return out.isMissingNode()
                    ? null
                    : new String(Base64.getDecoder().decode(out.asString()), StandardCharsets.UTF_8);
        }
    }

    /** Blocks until the next whole envelope arrived; EOFException when the stream breaks off between envelopes. */
    static Envelope next(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int flags = data.read();
        if (flags < 0) throw new EOFException("the stream ended without an end-of-stream envelope");
        byte[] body = new byte[data.readInt()];
        data.readFully(body);
        return new Envelope(flags, JSON.readTree(body));
    }
}
