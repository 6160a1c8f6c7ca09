package dev.wrenn.controlplane.auth.oauth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local imitation of GitHub's OAuth endpoints on loopback (GitHub itself cannot be reached
 * here): authorize, access_token, /user and /user/emails, with GitHub's response shapes. It
 * checks the client credentials and the redirect URI the way GitHub does.
 */
public final class FakeGitHub implements AutoCloseable {
    public static final String CLIENT_ID = "Iv1.testclient";
    public static final String CLIENT_SECRET = "test-client-secret";

    /** Who "logs in" at the next authorize call. */
    public record User(long id, String login, String publicEmail, List<Email> emails) {}

    public record Email(String email, boolean primary, boolean verified) {}

    private final HttpServer server;
    private final Map<String, User> codes = new ConcurrentHashMap<>();
    private final Map<String, String> codeRedirects = new ConcurrentHashMap<>();
    private final Map<String, User> tokens = new ConcurrentHashMap<>();
    private volatile User nextUser;
    final AtomicInteger emailCalls = new AtomicInteger();

    public FakeGitHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/login/oauth/authorize", this::authorize);
        server.createContext("/login/oauth/access_token", this::accessToken);
        server.createContext("/api/user/emails", this::emails);
        server.createContext("/api/user", this::user);
        server.start();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void nextUser(User user) {
        this.nextUser = user;
    }

    /** A code the fake will accept, issued as if the user had consented. */
    String issueCode(User user, String redirectUri) {
        String code = UUID.randomUUID().toString();
        codes.put(code, user);
        codeRedirects.put(code, redirectUri);
        return code;
    }

    private void authorize(HttpExchange ex) throws IOException {
        var q = query(ex.getRequestURI().getRawQuery());
        if (!CLIENT_ID.equals(q.get("client_id")) || q.get("state") == null || q.get("redirect_uri") == null) {
            send(ex, 400, "{\"error\":\"bad authorize request\"}");
            return;
        }
        String code = issueCode(nextUser, q.get("redirect_uri"));
        String location = q.get("redirect_uri") + "?code=" + code + "&state="
                + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Location", location);
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private void accessToken(HttpExchange ex) throws IOException {
        var form = query(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!"POST".equals(ex.getRequestMethod())
                || !CLIENT_ID.equals(form.get("client_id"))
                || !CLIENT_SECRET.equals(form.get("client_secret"))) {
            send(ex, 401, "{\"error\":\"incorrect_client_credentials\"}");
            return;
        }
        String code = form.get("code");
        User user = code == null ? null : codes.remove(code);
        if (user == null || !codeRedirects.remove(code).equals(form.get("redirect_uri"))) {
            // GitHub reports a bad code with 200 and an error field.
            send(ex, 200, "{\"error\":\"bad_verification_code\"}");
            return;
        }
        String token = "gho_" + UUID.randomUUID().toString().replace("-", "");
        tokens.put(token, user);
        send(
                ex,
                200,
                "{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"scope\":\"read:user,user:email\"}");
    }

    private User authenticated(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        User user = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
        if (user == null) send(ex, 401, "{\"message\":\"Bad credentials\"}");
        return user;
    }

    private void user(HttpExchange ex) throws IOException {
        User u = authenticated(ex);
        if (u == null) return;
        String email = u.publicEmail() == null ? "null" : "\"" + u.publicEmail() + "\"";
        send(
                ex,
                200,
                "{\"login\":\"" + u.login() + "\",\"id\":" + u.id() + ",\"name\":\"Test\",\"email\":" + email + "}");
    }

    private void emails(HttpExchange ex) throws IOException {
        User u = authenticated(ex);
        if (u == null) return;
        emailCalls.incrementAndGet();
        var sb = new StringBuilder("[");
        for (var e : u.emails()) {
            if (sb.length() > 1) sb.append(',');
            sb.append("{\"email\":\"%s\",\"primary\":%s,\"verified\":%s,\"visibility\":null}"
                    .formatted(e.email(), e.primary(), e.verified()));
        }
        send(ex, 200, sb.append(']').toString());
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    static Map<String, String> query(String raw) {
        var out = new HashMap<String, String>();
        if (raw == null || raw.isEmpty()) return out;
        for (String kv : raw.split("&")) {
            String[] p = kv.split("=", 2);
            out.put(
                    URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                    p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }

    /** The server settings that point a control plane's GitHub login at this imitation. */
    public java.util.Map<String, String> serverSettings() {
        return java.util.Map.of(
                "GITHUB_CLIENT_ID", CLIENT_ID,
                "GITHUB_CLIENT_SECRET", CLIENT_SECRET,
                "GITHUB_AUTHORIZE_URL", base() + "/login/oauth/authorize",
                "GITHUB_TOKEN_URL", base() + "/login/oauth/access_token",
                "GITHUB_API_URL", base() + "/api");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
