package dev.wrenn.hostagent.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.hostagent.AgentFixture;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.ExecResponse;
import dev.wrenn.proto.hostagent.v1.GetSandboxRequest;
import dev.wrenn.proto.hostagent.v1.HealthRequest;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import dev.wrenn.proto.hostagent.v1.SandboxMetrics;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The sandbox proxy against one real VM, created with a guest setup (environment, default user and workdir):
 * envd and a user's servers reached through it, streaming both ways, its own errors, and the abort of open
 * exchanges when the sandbox is destroyed (last, since it ends the VM).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxProxyIT {
    static final String ID = "proxy-it";
    static final String GUEST_TOKEN = "proxy-it-guest-token-" + Long.toHexString(System.nanoTime());
    static AgentFixture fx;
    static Sandbox sb;
    static ProxyClient proxy;

    @BeforeAll
    static void boot() throws Exception {
        fx = AgentFixture.start();
        proxy = new ProxyClient(fx.agent.proxyPort(), AgentFixture.TOKEN);
        sb = fx.blocking
                .withDeadlineAfter(300, TimeUnit.SECONDS)
                .createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId(ID)
                        .setMemoryMb(512)
                        .setToken(GUEST_TOKEN)
                        .putEnvVars("WRENN_PROXY_IT", "alpha")
                        .putEnvVars("SPACED", "a b=c")
                        .setDefaultUser("user")
                        .setDefaultWorkdir("/tmp")
                        .build());
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (fx == null) return;
        fx.close();
        // Closing the agent stops the proxy's server and its client to the guests, threads and all.
        assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName)
                .noneMatch(n -> n.startsWith("sandbox-proxy"));
    }

    static ExecResponse exec(String script) {
        return fx.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(ID)
                        .setCmd("/bin/sh")
                        .addAllArgs(List.of("-c", script))
                        .build());
    }

    static HttpResponse<String> send(HttpRequest r) throws Exception {
        return proxy.http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void healthReportsTheProxyPort() {
        assertThat(fx.blocking.health(HealthRequest.getDefaultInstance()).getProxyPort())
                .isEqualTo(fx.agent.proxyPort())
                .isPositive();
    }

    @Test
    @Order(2)
    void envdAnswersThroughTheProxy() throws Exception {
        assertThat(send(proxy.to(ID, 49983, "/health").GET().build()).statusCode())
                .isEqualTo(204);
    }

    @Test
    @Order(3)
    void theProxyRefusesRequestsWithoutTheHostToken() throws Exception {
        var noToken = new ProxyClient(fx.agent.proxyPort(), "wrong-token");
        HttpResponse<String> wrong = send(noToken.to(ID, 49983, "/health").GET().build());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).path("message").asString()).contains("X-Wrenn-Host-Token");
        HttpResponse<String> missing =
                send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + fx.agent.proxyPort() + "/health"))
                        .header("X-Wrenn-Sandbox-Id", ID)
                        .header("X-Wrenn-Sandbox-Port", "49983")
                        .GET()
                        .build());
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(json(missing).path("code").asInt()).isEqualTo(401);
    }

    @Test
    @Order(4)
    void badTargetHeadersAre400AndAnUnknownSandboxIs502() throws Exception {
        HttpResponse<String> badPort = send(proxy.to(ID, 0, "/health").GET().build());
        assertThat(badPort.statusCode()).isEqualTo(400);
        assertThat(json(badPort).path("message").asString()).contains("X-Wrenn-Sandbox-Port");
        HttpResponse<String> unknown =
                send(proxy.to("no-such-sandbox", 49983, "/health").GET().build());
        assertThat(unknown.statusCode()).isEqualTo(502);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = json(unknown);
        assertThat(body.path("code").asInt()).isEqualTo(502);
        assertThat(body.path("message").asString()).isEqualTo("sandbox no-such-sandbox is not running");
        assertThat(body.path("sandboxId").asString()).isEqualTo("no-such-sandbox");
    }

    @Test
    @Order(5)
    void aPortNobodyListensOnIs502() throws Exception {
        HttpResponse<String> r = send(proxy.to(ID, 9, "/").GET().build());
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(json(r).path("message").asString()).isEqualTo("nothing is listening on port 9 of sandbox " + ID);
        assertThat(json(r).path("port").asInt()).isEqualTo(9);
    }

    @Test
    @Order(6)
    void aProcessStreamArrivesEnvelopeByEnvelope() throws Exception {
        // "b" is produced only once the test has seen "a" and opened the gate: a proxy that held the stream
        // back would never deliver "a", and the read below would time out.
        String gate = "/tmp/proxy-gate-" + System.nanoTime();
        HttpResponse<InputStream> r = proxy.http.send(
                proxy.start(ID, GUEST_TOKEN, "echo a; while [ ! -e " + gate + " ]; do sleep 0.1; done; echo b"),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/connect+json");
        try (InputStream in = r.body()) {
            assertThat(untilStdout(in)).isEqualTo("a\n");
            assertThat(exec("touch " + gate).getExitCode()).isZero();
            assertThat(untilStdout(in)).isEqualTo("b\n");
            ProxyClient.Envelope last;
            do last = within(() -> ProxyClient.next(in));
            while (!last.endOfStream());
            assertThat(last.message().path("error").isMissingNode()).isTrue();
        }
    }

    @Test
    @Order(7)
    void everyProcessSeesTheGuestSetup() throws Exception {
        String script = "env; echo \"user=$(id -un)\"; echo \"pwd=$(pwd)\"";
        // Through the proxy (envd, no user named) and through the agent's own exec: both get the defaults.
        StringBuilder viaProxy = new StringBuilder();
        HttpResponse<InputStream> r =
                proxy.http.send(proxy.start(ID, GUEST_TOKEN, script), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            for (ProxyClient.Envelope e; !(e = within(() -> ProxyClient.next(in))).endOfStream(); ) {
                if (e.stdout() != null) viaProxy.append(e.stdout());
            }
        }
        String viaExec = exec(script).getStdout().toStringUtf8();
        for (String out : List.of(viaProxy.toString(), viaExec)) {
            assertThat(out.lines())
                    .contains("WRENN_PROXY_IT=alpha", "SPACED=a b=c", "user=user", "pwd=/tmp", "HOME=/home/user");
        }
    }

    @Test
    @Order(8)
    void fiftyMegabytesGoUpAndComeBackByteExact() throws Exception {
        long size = 50L << 20;
        String path = "/tmp/proxy-upload.bin";
        var up = new DigestingRandomStream(size, 42);
        // No length given: the upload is chunked end to end, the proxy holding one chunk at a time.
        HttpResponse<String> put = proxy.http.send(
                proxy.to(ID, 49983, "/files?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8))
                        .header("X-Access-Token", GUEST_TOKEN)
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> up))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        HttpResponse<InputStream> get = proxy.http.send(
                proxy.to(ID, 49983, "/files?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8))
                        .header("X-Access-Token", GUEST_TOKEN)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(get.statusCode()).isEqualTo(200);
        MessageDigest down = MessageDigest.getInstance("SHA-256");
        long n = 0;
        try (InputStream in = get.body()) {
            byte[] buf = new byte[1 << 16];
            for (int k; (k = in.read(buf)) > 0; n += k) down.update(buf, 0, k);
        }
        String sent = up.sha256();
        assertThat(n).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(down.digest())).isEqualTo(sent);
        assertThat(exec("sha256sum " + path).getStdout().toStringUtf8()).startsWith(sent + " ");
        exec("rm -f " + path);
    }

    @Test
    @Order(9)
    void aUsersWebServerAnswersThroughTheProxy() throws Exception {
        exec("mkdir -p /tmp/www && echo hello-from-guest > /tmp/www/index.txt && cd /tmp/www"
                + " && (setsid python3 -m http.server 8000 >/tmp/www.log 2>&1 </dev/null &)");
        HttpResponse<String> r = awaitListening(8000, "/index.txt");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello-from-guest\n");
    }

    @Test
    @Order(10)
    void methodPathQueryHeadersAndBodyReachTheGuestAsSent() throws Exception {
        exec("cat > /tmp/echo.py <<'EOF'\n" + ECHO_SERVER + "EOF\n"
                + "(setsid python3 /tmp/echo.py 8001 >/tmp/echo.log 2>&1 </dev/null &)");
        awaitListening(8001, "/");
        // A raw request: java.net.http will not send a Host header of the caller's choosing.
        String raw = "PUT /some/p%2Fath?x=1&y=%20z HTTP/1.1\r\nHost: my-sandbox.example:8001\r\n"
                + "X-Wrenn-Host-Token: " + AgentFixture.TOKEN + "\r\nX-Wrenn-Sandbox-Id: " + ID + "\r\n"
                + "X-Wrenn-Sandbox-Port: 8001\r\nX-Custom: kept\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
        JsonNode echo = json(rawExchange(raw));
        assertThat(echo.path("method").asString()).isEqualTo("PUT");
        assertThat(echo.path("path").asString()).isEqualTo("/some/p%2Fath?x=1&y=%20z");
        assertThat(echo.path("body").asString()).isEqualTo("hello");
        JsonNode h = echo.path("headers");
        assertThat(h.path("host").asString()).isEqualTo("my-sandbox.example:8001");
        assertThat(h.path("x-custom").asString()).isEqualTo("kept");
        assertThat(h.propertyNames()).noneMatch(n -> n.startsWith("x-wrenn-"));
        assertThat(h.has("via") || h.has("forwarded")).isFalse();
    }

    @Test
    @Order(11)
    void metricsArePlausible() {
        SandboxMetrics m = fx.blocking.getSandboxMetrics(
                GetSandboxRequest.newBuilder().setSandboxId(ID).build());
        assertThat(m.getCpuCount()).isEqualTo(1);
        assertThat(m.getCpuUsedPct()).isBetween(0.0, 100.0);
        assertThat(m.getMemTotal()).isBetween(256L << 20, 512L << 20);
        assertThat(m.getMemUsed()).isPositive().isLessThan(m.getMemTotal());
        assertThat(m.getMemCache()).isNotNegative().isLessThan(m.getMemTotal());
        assertThat(m.getDiskTotal()).isGreaterThan(100L << 20);
        assertThat(m.getDiskUsed()).isPositive().isLessThanOrEqualTo(m.getDiskTotal());
        assertThat(m.getTimestampUnixMs()).isPositive().isLessThanOrEqualTo(System.currentTimeMillis());
        assertThatThrownBy(() -> fx.blocking.getSandboxMetrics(
                        GetSandboxRequest.newBuilder().setSandboxId("nope").build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    @Order(12)
    void aBadGuestSetupIsRefusedBeforeAnythingStarts() {
        for (var bad : List.of(
                CreateSandboxRequest.newBuilder().setDefaultUser("Bad User"),
                CreateSandboxRequest.newBuilder().setDefaultUser("../root"),
                CreateSandboxRequest.newBuilder().setDefaultWorkdir("relative/dir"),
                CreateSandboxRequest.newBuilder().putEnvVars("1BAD", "x"),
                CreateSandboxRequest.newBuilder().putEnvVars("A=B", "x"))) {
            assertThatThrownBy(() -> fx.blocking.createSandbox(
                            bad.setSandboxId("bad-setup").build()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        }
        assertThat(fx.agent.sandboxes().list()).extracting(s -> s.id()).containsExactly(ID);
    }

    @Test
    @Order(20)
    void destroyingTheSandboxEndsItsOpenStreams() throws Exception {
        InputStream in = openStream(ID);
        fx.destroy(ID);
        assertBrokenOff(in);
        assertNotRunning(ID);
        // Nothing of the agent still holds a connection to the slot: neither the aborted exchange nor a pooled
        // one (closed sockets the kernel still winds down, FIN-WAIT or TIME-WAIT, are not ours any more).
        Process ss = new ProcessBuilder(
                        "ss", "-Htn", "state", "established", "state", "close-wait", "dst", sb.getSlotAddress())
                .redirectErrorStream(true)
                .start();
        String open = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ss.waitFor()).as(open).isZero();
        assertThat(open).isBlank();
    }

    @Test
    @Order(21)
    void pausingTheSandboxOrLosingItsVmEndsOpenStreamsToo() throws Exception {
        String id = "proxy-it-2";
        fx.blocking
                .withDeadlineAfter(300, TimeUnit.SECONDS)
                .createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId(id)
                        .setMemoryMb(512)
                        .setToken(GUEST_TOKEN)
                        .build());
        InputStream beforePause = openStream(id);
        fx.blocking
                .withDeadlineAfter(300, TimeUnit.SECONDS)
                .pauseSandbox(PauseSandboxRequest.newBuilder().setSandboxId(id).build());
        assertBrokenOff(beforePause);
        assertNotRunning(id);
        assertThatThrownBy(() -> fx.blocking.getSandboxMetrics(
                        GetSandboxRequest.newBuilder().setSandboxId(id).build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        Sandbox resumed = fx.blocking
                .withDeadlineAfter(300, TimeUnit.SECONDS)
                .resumeSandbox(
                        ResumeSandboxRequest.newBuilder().setSandboxId(id).build());
        // The new incarnation (new slot, new VMM) is what the proxy reaches now.
        assertThat(send(proxy.to(id, 49983, "/health").GET().build()).statusCode())
                .isEqualTo(204);
        InputStream beforeDeath = openStream(id);
        ProcessHandle.of(resumed.getVmmPid()).orElseThrow().destroyForcibly();
        assertBrokenOff(beforeDeath);
        assertNotRunning(id);
        fx.destroy(id);
    }

    /** A process stream through the proxy that has produced its first line and then stays open. */
    static InputStream openStream(String id) throws Exception {
        HttpResponse<InputStream> r = proxy.http.send(
                proxy.start(id, GUEST_TOKEN, "echo started; sleep 600"), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(untilStdout(r.body())).isEqualTo("started\n");
        return r.body();
    }

    /** The stream breaks off: no end-of-stream envelope but an EOF or a reset (the wait is a hang guard). */
    static void assertBrokenOff(InputStream in) throws Exception {
        CompletableFuture<Throwable> end = CompletableFuture.supplyAsync(() -> {
            try {
                while (true) if (ProxyClient.next(in).endOfStream()) return null;
            } catch (IOException e) {
                return e;
            }
        });
        assertThat(end.get(60, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        in.close();
    }

    static void assertNotRunning(String id) throws Exception {
        HttpResponse<String> r = send(proxy.to(id, 49983, "/health").GET().build());
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(json(r).path("message").asString()).isEqualTo("sandbox " + id + " is not running");
    }

    /** Reads envelopes until a stdout event; other events (start, keepalive) are skipped. */
    static String untilStdout(InputStream in) throws Exception {
        while (true) {
            ProxyClient.Envelope e = within(() -> ProxyClient.next(in));
            assertThat(e.endOfStream())
                    .as("stream ended early: %s", e.message())
                    .isFalse();
            if (e.stdout() != null) return e.stdout();
        }
    }

    interface Read<T> {
        T get() throws IOException;
    }

    /** A read bounded by a hang guard: a stream held back by the proxy fails here instead of hanging. */
    static <T> T within(Read<T> read) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
                    try {
                        return read.get();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .get(120, TimeUnit.SECONDS);
    }

    /**
     * Polls {@code path} on {@code port} until the server started in the guest listens: python's start-up under
     * TCG takes seconds, and the refusals before it are the proxy's 502.
     */
    static HttpResponse<String> awaitListening(int port, String path) {
        // Nothing in the guest announces that the server listens; the proxy's 502 says it does not yet.
        return org.awaitility.Awaitility.await("port " + port + " of the guest listens")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> send(proxy.to(ID, port, path).GET().build()), r -> r.statusCode() != 502);
    }

    static String rawExchange(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", fx.agent.proxyPort())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();
            assertThat(status).startsWith("HTTP/1.1 200");
            for (String l; (l = in.readLine()) != null && !l.isEmpty(); ) {}
            StringBuilder body = new StringBuilder();
            for (int c; (c = in.read()) >= 0; ) body.append((char) c);
            return body.toString();
        }
    }

    static JsonNode json(HttpResponse<String> r) {
        return json(r.body());
    }

    static JsonNode json(String s) {
        return ProxyClient.JSON.readTree(s);
    }

    /** A guest server that answers every request with what it received, as JSON. */
    static final String ECHO_SERVER = """
            import http.server, json, sys
            class H(http.server.BaseHTTPRequestHandler):
                def handle_one(self):
                    n = int(self.headers.get('Content-Length') or 0)
                    body = self.rfile.read(n).decode()
                    out = json.dumps({'method': self.command, 'path': self.path, 'body': body,
                                      'headers': {k.lower(): v for k, v in self.headers.items()}}).encode()
                    self.send_response(200)
                    self.send_header('Content-Type', 'application/json')
                    self.send_header('Content-Length', str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                do_GET = do_PUT = do_POST = handle_one
            http.server.HTTPServer(('0.0.0.0', int(sys.argv[1])), H).serve_forever()
            """;

    /** Pseudo-random bytes of a given length, generated as read (never held whole), with their SHA-256. */
    static final class DigestingRandomStream extends InputStream {
        private final SplittableRandom random;
        private final MessageDigest digest;
        private long left;

        DigestingRandomStream(long size, long seed) throws Exception {
            this.random = new SplittableRandom(seed);
            this.digest = MessageDigest.getInstance("SHA-256");
            this.left = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) return -1;
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) b[off + i] = (byte) random.nextInt();
            digest.update(b, off, n);
            left -= n;
            return n;
        }

        /** Once all was read (the digest is final after this). */
        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
