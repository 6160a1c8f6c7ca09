package dev.wrenn.hostagent.guest;

import dev.wrenn.hostagent.guest.connect.ConnectClient;
import dev.wrenn.hostagent.guest.envd.EnvdFilesystem;
import dev.wrenn.hostagent.guest.envd.EnvdProcesses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * HTTP client for one sandbox's guest agent (docs/guest-agent-protocol.md). Instances are cheap; the
 * underlying {@link HttpClient} (connection pool) is shared by the whole host agent.
 */
public final class GuestAgentClient {
    public static final int PORT = 49983;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long DEFAULT_EXEC_TIMEOUT_MS = 60_000;

    private final HttpClient http;
    private final URI base;
    private final String token;

    public GuestAgentClient(HttpClient http, String host, int port, String token) {
        this.http = http;
        this.base = URI.create("http://" + host + ":" + port);
        this.token = token;
    }

    public static HttpClient newHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    public URI base() {
        return base;
    }

    /** envd's process service of this guest. */
    public EnvdProcesses processes() {
        return new EnvdProcesses(new ConnectClient(http, base), this::envdHeaders);
    }

    /** envd's filesystem service of this guest. */
    public EnvdFilesystem filesystem() {
        return new EnvdFilesystem(new ConnectClient(http, base), this::envdHeaders);
    }

    /**
     * envd's authentication: the sandbox's token in {@code X-Access-Token}, and the user a call acts as
     * in HTTP Basic authentication with an empty password (null: the guest's default user).
     */
    Map<String, String> envdHeaders(String user) {
        if (user == null || user.isEmpty()) return Map.of("X-Access-Token", token);
        String basic = Base64.getEncoder().encodeToString((user + ":").getBytes(StandardCharsets.UTF_8));
        return Map.of("X-Access-Token", token, "Authorization", "Basic " + basic);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token);
    }

    /** True when /health answers 200 within {@code timeout}; any failure is just "not yet". */
    public boolean healthy(Duration timeout) {
        try {
            HttpResponse<Void> r = http.send(
                    request("/health").timeout(timeout).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Polls /health until it answers or {@code until} says to give up (deadline passed, VM died). */
    public boolean awaitReady(Duration timeout, Supplier<Boolean> keepTrying) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && keepTrying.get()) {
            long before = System.nanoTime();
            if (healthy(Duration.ofMillis(1000))) return true;
            // A refused connection returns at once; do not spin.
            long spent = (System.nanoTime() - before) / 1_000_000;
            if (spent < 50) Thread.sleep(50 - spent);
        }
        return false;
    }

    /** {@code POST /clock}: sets the guest's wall clock (stale after a resume or clone). */
    public void setClock(long unixMs) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("unix_ms", unixMs);
        postJson("/clock", body);
    }

    /** {@code POST /entropy}: mixes {@code seed} into the guest's pool and reseeds its CRNG. */
    public void reseed(byte[] seed) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("seed", java.util.HexFormat.of().formatHex(seed));
        postJson("/entropy", body);
    }

    /**
     * {@code POST /restored}: after a resume or clone, in one round trip: sets the wall clock, mixes
     * {@code seed} into the guest's entropy and (when {@code newToken} is not null) switches the
     * guest to the new token. Returns the client to use from now on.
     */
    public GuestAgentClient restored(long unixMs, byte[] seed, String newToken)
            throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("unix_ms", unixMs);
        body.put("seed", java.util.HexFormat.of().formatHex(seed));
        if (newToken != null) body.put("token", newToken);
        postJson("/restored", body);
        return newToken == null ? this : new GuestAgentClient(http, base.getHost(), base.getPort(), newToken);
    }

    /** {@code POST /token}: the guest trusts {@code newToken} from now on; returns a client that uses it. */
    public GuestAgentClient rotateToken(String newToken) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("token", newToken);
        postJson("/token", body);
        return new GuestAgentClient(http, base.getHost(), base.getPort(), newToken);
    }

    private void postJson(String path, ObjectNode body) throws IOException, InterruptedException {
        check(http.send(
                request(path)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray()));
    }

    public ExecResult exec(ExecCommand c) throws IOException, InterruptedException {
        long timeoutMs = c.timeoutMs() > 0 ? c.timeoutMs() : DEFAULT_EXEC_TIMEOUT_MS;
        ObjectNode body = commandJson(c, timeoutMs);
        HttpRequest req = request("/exec")
                .timeout(Duration.ofMillis(timeoutMs + 15_000))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build();
        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode j = checkJson(r);
        boolean b64 = "base64".equals(j.path("encoding").asString("utf-8"));
        return new ExecResult(
                decode(j.path("stdout").asString(""), b64),
                decode(j.path("stderr").asString(""), b64),
                j.path("exit_code").asInt(-1),
                j.path("duration_ms").asLong(0),
                j.path("timed_out").asBoolean(false),
                j.path("truncated").asBoolean(false));
    }

    /** Starts a process; the caller must close the stream. */
    public ProcessStream startProcess(ExecCommand c) throws IOException, InterruptedException {
        ObjectNode body = commandJson(c, c.timeoutMs());
        HttpRequest req = request("/process")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() / 100 != 2) {
            try (InputStream in = r.body()) {
                throw error(r.statusCode(), in.readAllBytes());
            }
        }
        return new ProcessStream(r.body());
    }

    public void writeStdin(long pid, byte[] data, boolean close) throws IOException, InterruptedException {
        HttpRequest.Builder b =
                request("/process/" + pid + "/stdin").POST(HttpRequest.BodyPublishers.ofByteArray(data));
        if (close) b.header("X-Close-Stdin", "true");
        check(http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    public void stop(long pid) throws IOException, InterruptedException {
        check(http.send(
                request("/process/" + pid + "/stop")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray()));
    }

    /** Streams {@code data} to {@code path}; returns when the guest has written all of it. */
    public void putFile(String path, int mode, Supplier<InputStream> data) throws IOException, InterruptedException {
        putFile(path, mode, -1, data);
    }

    /**
     * As {@link #putFile(String, int, Supplier)}; a known {@code size} (>= 0) is sent as Content-Length
     * instead of chunked encoding, which spares the guest the chunk parsing.
     */
    public void putFile(String path, int mode, long size, Supplier<InputStream> data)
            throws IOException, InterruptedException {
        String q = "/files?path=" + enc(path) + "&mode=" + String.format("%04o", mode == 0 ? 0644 : mode);
        HttpRequest.BodyPublisher body;
        if (size == 0) {
            try (InputStream in = data.get()) {
                if (in.read() >= 0) throw new IOException("declared size 0 but data followed");
            }
            body = HttpRequest.BodyPublishers.noBody();
        } else if (size > 0) {
            body = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(data), size);
        } else {
            body = HttpRequest.BodyPublishers.ofInputStream(data);
        }
        HttpRequest req = request(q)
                .header("Content-Type", "application/octet-stream")
                .PUT(body)
                .build();
        check(http.send(req, HttpResponse.BodyHandlers.ofByteArray()));
    }

    public record Download(long size, InputStream body) {}

    public Download getFile(String path) throws IOException, InterruptedException {
        HttpResponse<InputStream> r =
                http.send(request("/files?path=" + enc(path)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() / 100 != 2) {
            try (InputStream in = r.body()) {
                throw error(r.statusCode(), in.readAllBytes());
            }
        }
        long size = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        return new Download(size, r.body());
    }

    /** The /process event stream, one event per NDJSON line. */
    public static final class ProcessStream implements Iterator<ProcessEvent>, AutoCloseable {
        private final InputStream raw;
        private final BufferedReader lines;
        private ProcessEvent next;
        private boolean done;

        ProcessStream(InputStream raw) {
            this.raw = raw;
            this.lines = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8));
        }

        @Override
        public boolean hasNext() {
            if (next != null) return true;
            if (done) return false;
            try {
                String line;
                do {
                    line = lines.readLine();
                } while (line != null && line.isBlank());
                if (line == null) {
                    done = true;
                    return false;
                }
                next = parseEvent(line);
                if (next.isTerminal()) done = true;
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public ProcessEvent next() {
            if (!hasNext()) throw new NoSuchElementException();
            ProcessEvent e = next;
            next = null;
            return e;
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    static ProcessEvent parseEvent(String line) {
        JsonNode j = JSON.readTree(line);
        return switch (j.path("type").asString("")) {
            case "start" -> new ProcessEvent.Started(j.path("pid").asLong());
            case "stdout" ->
                new ProcessEvent.Stdout(
                        Base64.getDecoder().decode(j.path("data").asString("")));
            case "stderr" ->
                new ProcessEvent.Stderr(
                        Base64.getDecoder().decode(j.path("data").asString("")));
            case "exit" ->
                new ProcessEvent.Exited(
                        j.path("exit_code").asInt(-1),
                        j.path("timed_out").asBoolean(false),
                        j.path("killed").asBoolean(false));
            case "error" -> new ProcessEvent.Failed(j.path("data").asString("unknown error"));
            default -> new ProcessEvent.Failed("unexpected event from guest agent: " + line);
        };
    }

    private static ObjectNode commandJson(ExecCommand c, long timeoutMs) {
        ObjectNode body = JSON.createObjectNode();
        body.put("cmd", c.cmd());
        var args = body.putArray("args");
        c.args().forEach(args::add);
        ObjectNode env = body.putObject("env");
        c.env().forEach(env::put);
        if (c.cwd() != null && !c.cwd().isEmpty()) body.put("cwd", c.cwd());
        body.put("timeout_ms", timeoutMs);
        return body;
    }

    private static byte[] decode(String s, boolean base64) {
        return base64 ? Base64.getDecoder().decode(s) : s.getBytes(StandardCharsets.UTF_8);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode checkJson(HttpResponse<byte[]> r) throws GuestAgentException {
        check(r);
        return JSON.readTree(r.body());
    }

    private static void check(HttpResponse<byte[]> r) throws GuestAgentException {
        if (r.statusCode() / 100 != 2) throw error(r.statusCode(), r.body());
    }

    static GuestAgentException error(int status, byte[] body) {
        try {
            JsonNode e = JSON.readTree(body).path("error");
            return new GuestAgentException(
                    status,
                    e.path("code").asString("internal"),
                    e.path("message").asString(""));
        } catch (RuntimeException notJson) {
            return new GuestAgentException(
                    status, status == 401 ? "unauthorized" : "internal", new String(body, StandardCharsets.UTF_8));
        }
    }
}
