package dev.wrenn.controlplane.e2b;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guest traffic through the control plane's sandbox proxy and the host agent's, to real guests: routed by E2B's
 * headers and by host name, streamed, refused where it must be (unknown or paused sandboxes, non-public ports
 * without the traffic token), and resuming a paused sandbox whose auto-resume is on. Two sandboxes.
 */
class GuestTrafficIT {
    static TestServer server;
    static ApiClient v1;
    static E2bClient e2b;
    static String guarded;
    static String envdToken;
    static String trafficToken;
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        server = TestServer.withSandboxes(Map.of());
        var anon = server.client();
        String key = Accounts.apiKey(anon, Accounts.signUp(anon));
        v1 = anon.withApiKey(key);
        e2b = new E2bClient(server.baseUri(), key);
        var created = e2b.post(
                "/v2/sandboxes",
                "{\"templateID\":\"base\",\"timeout\":1800,\"network\":{\"allowPublicTraffic\":false}}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        guarded = created.json().get("sandboxID").asString();
        envdToken = created.json().get("envdAccessToken").asString();
        trafficToken = created.json().get("trafficAccessToken").asString();
        // A user's web server on port 8000, left running in the background.
        var started = v1.post(
                "/v1/sandboxes/" + guarded + "/processes",
                "{\"cmd\":\"python3\",\"args\":[\"-m\",\"http.server\",\"8000\",\"--directory\",\"/etc\"]}");
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (guarded != null) e2b.delete("/sandboxes/" + guarded);
        server.close();
    }

    static HttpRequest.Builder guest(String id, int port, String path) {
        return HttpRequest.newBuilder(server.baseUri().resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("E2b-Sandbox-Id", id)
                .header("E2b-Sandbox-Port", Integer.toString(port));
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void envdAnswersThroughTheHeadersOnTheApisOwnPort() throws Exception {
        assertThat(send(guest(guarded, 49983, "/health")).statusCode()).isEqualTo(204);
        // Not the control plane's own /metrics (Prometheus): the guest's, with the guest's token.
        var metrics = send(guest(guarded, 49983, "/metrics").header("X-Access-Token", envdToken));
        assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
        assertThat(metrics.body()).contains("mem_total");
        // The guest checks the token; the proxy passes its answer on.
        assertThat(send(guest(guarded, 49983, "/metrics")).statusCode()).isEqualTo(401);
    }

    @Test
    void aConnectServerStreamPassesEnvelopeByEnvelopeToItsEnd() throws Exception {
        byte[] message = "{\"process\":{\"cmd\":\"/bin/sh\",\"args\":[\"-c\",\"echo one; echo two\"]},\"stdin\":false}"
                .getBytes(StandardCharsets.UTF_8);
        var envelope = ByteBuffer.allocate(5 + message.length)
                .put((byte) 0)
                .putInt(message.length)
                .put(message);
        var r = HTTP.send(
                guest(guarded, 49983, "/process.Process/Start")
                        .header("Content-Type", "application/connect+json")
                        .header("X-Access-Token", envdToken)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(envelope.array()))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        var stdout = new StringBuilder();
        int flags;
        try (InputStream in = r.body()) {
            do {
                flags = in.read();
                int length = ByteBuffer.wrap(in.readNBytes(4)).getInt();
                String json = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                if (flags == 2) {
                    assertThat(json).isEqualTo("{}");
                } else if (json.contains("\"stdout\"")) {
                    String b64 = json.replaceAll(".*\"stdout\":\"([^\"]*)\".*", "$1");
                    stdout.append(new String(java.util.Base64.getDecoder().decode(b64), StandardCharsets.UTF_8));
                }
            } while (flags != 2);
        }
        assertThat(stdout.toString()).isEqualTo("one\ntwo\n");
    }

    @Test
    void aHostNameReachesAUserServerWhenItCarriesTheTrafficToken() throws Exception {
        String host = "8000-" + guarded + ".localhost:" + server.controlPlane().port();
        Awaitility.await("the guest's web server answers")
                .atMost(Duration.ofSeconds(60))
                .until(() -> raw(host, "GET /hostname HTTP/1.1", trafficToken).startsWith("HTTP/1.1 200"));
        assertThat(raw(host, "GET /hostname HTTP/1.1", trafficToken)).contains("200 OK");
        // The sandbox is not public: without its traffic token no request reaches the port.
        assertThat(raw(host, "GET /hostname HTTP/1.1", null)).startsWith("HTTP/1.1 403");
        assertThat(raw(host, "GET /hostname HTTP/1.1", "wrong")).startsWith("HTTP/1.1 403");
    }

    @Test
    void unknownOrMalformedGuestAddressesAreRefused() throws Exception {
        var unknown = send(guest("sb-doesnotexist00", 49983, "/health"));
        assertThat(unknown.statusCode()).isEqualTo(502);
        assertThat(unknown.body()).contains("\"code\":502").contains("not found");
        assertThat(send(guest("sb-x/../y", 49983, "/health")).statusCode()).isEqualTo(400);
        assertThat(send(guest(guarded, 70000, "/health")).statusCode()).isEqualTo(400);
        // Nothing listens on that port in the guest.
        var nobody = send(guest(guarded, 9, "/").header("e2b-traffic-access-token", trafficToken));
        assertThat(nobody.statusCode()).isEqualTo(502);
        assertThat(nobody.body()).contains("nothing is listening on port 9");
    }

    @Test
    void aPausedSandboxIs502UnlessItResumesOnTraffic() throws Exception {
        String plain = sandbox("{\"auto_resume\":false}");
        String resuming = sandbox("{\"auto_resume\":true}");
        try {
            for (String id : new String[] {plain, resuming}) {
                assertThat(v1.post("/v1/sandboxes/" + id + "/pause", "{}").status())
                        .isEqualTo(200);
            }
            var refused = send(guest(plain, 49983, "/health"));
            assertThat(refused.statusCode()).isEqualTo(502);
            assertThat(refused.body()).contains("is paused");
            assertThat(v1.get("/v1/sandboxes/" + plain).json().get("status").asString())
                    .isEqualTo("paused");

            // Traffic for a sandbox with auto-resume brings it back and is then answered by its guest.
            assertThat(send(guest(resuming, 49983, "/health")).statusCode()).isEqualTo(204);
            assertThat(v1.get("/v1/sandboxes/" + resuming).json().get("status").asString())
                    .isEqualTo("running");
        } finally {
            v1.delete("/v1/sandboxes/" + plain);
            v1.delete("/v1/sandboxes/" + resuming);
        }
        // A destroyed sandbox is gone for guest traffic too.
        assertThat(send(guest(resuming, 49983, "/health")).statusCode()).isEqualTo(502);
    }

    private static String sandbox(String body) {
        var r = v1.post("/v1/sandboxes", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    /** One HTTP/1.1 request over a plain socket: the JDK's client will not send a Host header of our choosing. */
    private static String raw(String host, String requestLine, String trafficToken) throws IOException {
        URI base = server.baseUri();
        try (var socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            String head = requestLine + "\r\nHost: " + host + "\r\nConnection: close\r\n"
                    + (trafficToken == null ? "" : "e2b-traffic-access-token: " + trafficToken + "\r\n") + "\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            var out = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
