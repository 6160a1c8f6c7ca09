package dev.wrenn.guestagent.envd.api;

import com.sun.net.httpserver.HttpExchange;
import dev.wrenn.guestagent.auth.TokenStore;
import dev.wrenn.guestagent.clock.KernelEntropy;
import dev.wrenn.guestagent.clock.WallClock;
import dev.wrenn.guestagent.envd.EnvdSettings;
import dev.wrenn.guestagent.envd.RequestUser;
import dev.wrenn.guestagent.envd.api.HttpErrors.HttpError;
import dev.wrenn.guestagent.http.Exchanges;
import dev.wrenn.guestagent.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** envd's plain HTTP endpoints (envd.yaml): /health, /metrics, /init, /envs and /files. */
public final class EnvdHttp {
    private static final int MAX_JSON_BODY = 8 * 1024 * 1024;
    private static final int MIN_SEED_BYTES = 16;

    private final TokenStore tokens;
    private final WallClock clock;
    private final KernelEntropy entropy;
    private final EnvdSettings settings;
    private final Metrics metrics = new Metrics();
    private final FileTransfer files;

    public EnvdHttp(
            TokenStore tokens, WallClock clock, KernelEntropy entropy, EnvdSettings settings, RequestUser users) {
        this.tokens = tokens;
        this.clock = clock;
        this.entropy = entropy;
        this.settings = settings;
        this.files = new FileTransfer(users, settings);
    }

    private static boolean serves(String path) {
        return switch (path) {
            case "/health", "/metrics", "/init", "/envs", "/files" -> true;
            default -> false;
        };
    }

    public void serve(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String key = ex.getRequestMethod() + " " + path;
        try {
            switch (key) {
                case "GET /health" -> Exchanges.sendNoContent(ex);
                case "GET /metrics" -> Exchanges.sendJson(ex, 200, metrics.sample());
                case "POST /init" -> init(ex);
                case "GET /envs" -> Exchanges.sendJson(ex, 200, new TreeMap<>(settings.envVars()));
                case "GET /files" -> files.download(ex);
                case "POST /files" -> files.upload(ex);
                default ->
                    throw serves(path)
                            ? new HttpError(405, "method not allowed: " + key)
                            : new HttpError(404, "no such endpoint: " + path);
            }
        } catch (HttpError e) {
            HttpErrors.send(ex, e.status, e.getMessage());
        } catch (RuntimeException e) {
            HttpErrors.send(ex, 500, e.toString());
        }
    }

    /**
     * Everything is checked before anything is applied, so a refused /init changes nothing; the token is
     * replaced last, so a failure on the way leaves the caller's token valid for a retry.
     */
    private void init(HttpExchange ex) throws IOException {
        Map<String, Object> body = readJsonObject(ex);
        Long unixMillis = null;
        if (body.get("timestamp") instanceof String ts) {
            try {
                unixMillis = Instant.parse(ts).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new HttpError(400, "timestamp is not RFC 3339: " + ts);
            }
        }
        byte[] seed = entropySeed(body.get("entropySeed"));

        if (body.get("envVars") instanceof Map<?, ?> vars) {
            vars.forEach((k, v) -> {
                if (v instanceof String s) settings.envVars().put(String.valueOf(k), s);
            });
        }
        if (body.get("defaultUser") instanceof String u && !u.isEmpty()) settings.defaultUser(u);
        if (body.get("defaultWorkdir") instanceof String w && !w.isEmpty()) settings.defaultWorkdir(w);
        if (unixMillis != null) {
            try {
                clock.set(unixMillis);
            } catch (SecurityException e) {
                // like envd, a clock that cannot be set does not fail the init
            }
        }
        if (seed != null) {
            try {
                entropy.mix(seed);
            } catch (IOException e) {
                throw new HttpError(500, "cannot mix the entropy seed: " + e.getMessage());
            }
        }
        if (body.get("accessToken") instanceof String t && !t.isEmpty()) {
            try {
                tokens.set(t);
            } catch (IOException e) {
                throw new HttpError(500, "cannot persist the access token: " + e.getMessage());
            }
        }
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        Exchanges.sendNoContent(ex);
    }

    /**
     * The Wrenn extension {@code entropySeed}: fresh host randomness for a resumed or cloned VM, whose kernel CRNG
     * state is the snapshot's; null when absent.
     */
    private static byte[] entropySeed(Object value) {
        if (value == null) return null;
        if (!(value instanceof String hex)) throw new HttpError(400, "entropySeed must be a hex string");
        byte[] seed;
        try {
            seed = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "entropySeed is not hex");
        }
        if (seed.length < MIN_SEED_BYTES) {
            throw new HttpError(400, "entropySeed must carry at least " + MIN_SEED_BYTES + " bytes");
        }
        return seed;
    }

    /** /init's body is small; anything larger is a client bug. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> readJsonObject(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(MAX_JSON_BODY + 1);
        if (body.length > MAX_JSON_BODY) throw new HttpError(400, "request body too large");
        if (body.length == 0) return Map.of();
        Object parsed;
        try {
            parsed = Json.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "malformed JSON body: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> m)) throw new HttpError(400, "the body must be a JSON object");
        return (Map<String, Object>) m;
    }
}
