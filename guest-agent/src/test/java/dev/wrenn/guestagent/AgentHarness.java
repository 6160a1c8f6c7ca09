package dev.wrenn.guestagent;

import dev.wrenn.guestagent.auth.TokenStore;
import dev.wrenn.guestagent.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Starts the agent in-process on an ephemeral port with a token file and recording stand-ins for the clock and
 * the kernel's entropy, and talks to it over real HTTP.
 */
final class AgentHarness implements AutoCloseable {
    final String token = "0123456789abcdef0123456789abcdef";
    final List<Long> clockCalls = new CopyOnWriteArrayList<>();
    final List<byte[]> entropyCalls = new CopyOnWriteArrayList<>();
    final GuestAgent agent;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** With users looked up in {@code passwd}. */
    AgentHarness(Path dir, dev.wrenn.guestagent.users.Passwd passwd) throws IOException {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, token + "\n");
        var tokens = new TokenStore(TokenStore.fromFile(tokenFile).orElseThrow());
        agent = GuestAgent.start(0, tokens, clockCalls::add, seed -> entropyCalls.add(seed), passwd);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + agent.port() + pathAndQuery);
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery))
                .header("X-Access-Token", token)
                .timeout(Duration.ofSeconds(60));
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, Object body) throws Exception {
        var req = request(path)
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : Json.write(body)))
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(HttpResponse<String> r) {
        return (Map<String, Object>) Json.parse(r.body());
    }

    @Override
    public void close() {
        agent.close();
        http.close();
    }
}
