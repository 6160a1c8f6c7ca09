package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.ControlPlaneMain;
import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.TestHostAgent;
import dev.wrenn.controlplane.testing.TestPostgres;
import dev.wrenn.controlplane.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A 1 GiB file goes into a sandbox and back through a control plane whose heap is capped at
 * 256 MB: it only works if neither direction ever holds the file in memory.
 */
class LargeFileHeapIT {
    static final long SIZE = 1L << 30;

    @Test
    void oneGibibyteRoundTripsThroughA256MbHeap() throws Exception {
        int port = TestServer.freePort();
        Path data = Files.createTempDirectory("wrenn-heap-it");
        var pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                ControlPlaneMain.class.getName());
        pb.environment()
                .putAll(Map.of(
                        "WRENN_HOST", "127.0.0.1",
                        "WRENN_PORT", Integer.toString(port),
                        "WRENN_DATA_DIR", data.toString(),
                        "WRENN_DATABASE_URL", TestPostgres.newDatabaseUrl(),
                        "WRENN_JWT_SECRET", TestServer.JWT_SECRET,
                        "WRENN_HOST_AGENT", TestHostAgent.address(),
                        "WRENN_HOST_AGENT_TOKEN", TestHostAgent.TOKEN));
        pb.redirectErrorStream(true);
        Process cp = pb.start();
        try {
            var out = new BufferedReader(new InputStreamReader(cp.getInputStream()));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("control plane listening")) {
                System.out.println("[cp] " + line);
            }
            assertThat(line).as("the capped control plane started").isNotNull();
            Thread.ofVirtual().start(() -> out.lines().forEach(l -> System.out.println("[cp] " + l)));

            var anon = ApiClient.of(URI.create("http://127.0.0.1:" + port));
            var api = anon.withApiKey(Accounts.apiKey(anon, Accounts.signUp(anon)));
            var created = api.post("/v1/sandboxes", "{}");
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String id = created.json().get("id").asString();
            try {
                var sent = MessageDigest.getInstance("SHA-256");
                var w = Multipart.upload(
                        api,
                        "/v1/sandboxes/" + id + "/files/stream/write",
                        "/root/huge.bin",
                        () -> new SandboxStreamsIT.DigestingRandom(SIZE, 7, sent),
                        SIZE,
                        true);
                assertThat(w.status()).as(w.toString()).isEqualTo(204);
                String sentHex = HexFormat.of().formatHex(sent.digest());

                var check = api.post(
                        "/v1/sandboxes/" + id + "/exec",
                        "{\"cmd\":\"stat -c %s /root/huge.bin; sha256sum /root/huge.bin | cut -d' '"
                                + " -f1\",\"timeout_sec\":600}");
                assertThat(check.json().get("stdout").asString()).isEqualTo(SIZE + "\n" + sentHex + "\n");

                // Read it back with a streaming body handler: the test holds no more of it than the server.
                var request = HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/v1/sandboxes/" + id + "/files/stream/read"))
                        .header("X-API-Key", api.headers().get(1))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"/root/huge.bin\"}"))
                        .build();
                var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
                assertThat(response.statusCode()).isEqualTo(200);
                var received = MessageDigest.getInstance("SHA-256");
                long total = 0;
                try (InputStream in = response.body()) {
                    byte[] buf = new byte[1 << 20];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        received.update(buf, 0, n);
                        total += n;
                    }
                }
                assertThat(total).isEqualTo(SIZE);
                assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(sentHex);
                assertThat(cp.isAlive()).as("the capped control plane survived").isTrue();
            } finally {
                api.delete("/v1/sandboxes/" + id);
            }
        } finally {
            cp.destroy();
            cp.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
