package dev.wrenn.guestagent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.wrenn.guestagent.auth.TokenStore;
import dev.wrenn.guestagent.clock.KernelEntropy;
import dev.wrenn.guestagent.clock.WallClock;
import dev.wrenn.guestagent.envd.EnvdRouter;
import dev.wrenn.guestagent.files.FilesHandler;
import dev.wrenn.guestagent.http.ApiError;
import dev.wrenn.guestagent.http.Exchanges;
import dev.wrenn.guestagent.process.ExecHandler;
import dev.wrenn.guestagent.process.ProcessHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Authenticates every request and dispatches it; see docs/guest-agent-protocol.md. */
final class Router implements HttpHandler {
    private final TokenStore tokens;
    private final WallClock clock;
    private final KernelEntropy entropy;
    private final ExecHandler exec;
    private final ProcessHandler processes;
    private final FilesHandler files = new FilesHandler();
    private final long startedNanos = System.nanoTime();
    private final EnvdRouter envd;

    Router(
            TokenStore tokens,
            WallClock clock,
            KernelEntropy entropy,
            ExecHandler exec,
            ProcessHandler processes,
            EnvdRouter envd) {
        this.envd = envd;
        this.tokens = tokens;
        this.clock = clock;
        this.entropy = entropy;
        this.exec = exec;
        this.processes = processes;
    }

    /** When the last request arrived (System.nanoTime()). */
    private volatile long lastRequestNanos = System.nanoTime();

    /** Nanoseconds since the last request arrived. */
    public long idleNanos() {
        return System.nanoTime() - lastRequestNanos;
    }

    @Override
    public void handle(HttpExchange ex) {
        lastRequestNanos = System.nanoTime();
        try (ex) {
            try {
                if (EnvdRouter.claims(ex)) {
                    envd.handle(ex);
                    return;
                }
                if (!tokens.accepts(ex.getRequestHeaders().getFirst("Authorization"))) {
                    throw new ApiError("unauthorized", "missing or wrong bearer token");
                }
                route(ex);
            } catch (ApiError e) {
                Exchanges.sendError(ex, e);
            } catch (RuntimeException e) {
                Exchanges.sendError(ex, new ApiError("internal", e.toString()));
            }
        } catch (IOException e) {
            // the response could not be written (client gone, or headers already sent); nothing to answer
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        switch (path) {
            case "/health" -> {
                requireMethod(method, "GET");
                var body = new LinkedHashMap<String, Object>();
                body.put("status", "ok");
                body.put("uptime_ms", (System.nanoTime() - startedNanos) / 1_000_000);
                Exchanges.sendJson(ex, 200, body);
            }
            case "/token" -> {
                requireMethod(method, "POST");
                Map<String, Object> body = Exchanges.readJsonObject(ex);
                try {
                    tokens.set(Exchanges.requireString(body, "token"));
                } catch (IOException e) {
                    throw new ApiError("internal", "cannot persist the token: " + e.getMessage());
                }
                Exchanges.sendNoContent(ex);
            }
            case "/restored" -> {
                // After a resume or clone, in one round trip (the guest's code paths are cold under
                // TCG after a restore): wall clock, entropy, and optionally a new token.
                requireMethod(method, "POST");
                Map<String, Object> body = Exchanges.readJsonObject(ex);
                if (body.get("unix_ms") == null) throw ApiError.badRequest("'unix_ms' is required");
                long unixMs = Exchanges.optionalLong(body, "unix_ms", 0);
                byte[] seed = parseSeed(Exchanges.requireString(body, "seed"));
                Object newToken = body.get("token");
                if (newToken != null && !(newToken instanceof String))
                    throw ApiError.badRequest("'token' must be a string");
                try {
                    clock.set(unixMs);
                } catch (SecurityException e) {
                    throw new ApiError("permission_denied", e.getMessage());
                }
                boolean reseeded = entropy.mix(seed);
                if (newToken != null) {
                    try {
                        tokens.set((String) newToken);
                    } catch (IOException e) {
                        throw new ApiError("internal", "cannot persist the token: " + e.getMessage());
                    }
                }
                Exchanges.sendJson(ex, 200, Map.of("reseeded", reseeded));
            }
            case "/clock" -> {
                requireMethod(method, "POST");
                Map<String, Object> body = Exchanges.readJsonObject(ex);
                if (body.get("unix_ms") == null) throw ApiError.badRequest("'unix_ms' is required");
                long unixMs = Exchanges.optionalLong(body, "unix_ms", 0);
                try {
                    clock.set(unixMs);
                } catch (SecurityException e) {
                    throw new ApiError("permission_denied", e.getMessage());
                }
                Exchanges.sendNoContent(ex);
            }
            case "/entropy" -> {
                requireMethod(method, "POST");
                byte[] seed = parseSeed(Exchanges.requireString(Exchanges.readJsonObject(ex), "seed"));
                boolean reseeded = entropy.mix(seed);
                Exchanges.sendJson(ex, 200, Map.of("reseeded", reseeded));
            }
            case "/exec" -> {
                requireMethod(method, "POST");
                exec.handle(ex);
            }
            case "/process" -> {
                requireMethod(method, "POST");
                processes.start(ex);
            }
            case "/files" -> {
                switch (method) {
                    case "PUT" -> files.write(ex);
                    case "GET" -> files.read(ex);
                    default -> throw new ApiError("method_not_allowed", method + " " + path);
                }
            }
            default -> routeProcessAction(ex, method, path);
        }
    }

    /** {@code /process/{pid}/stdin} and {@code /process/{pid}/stop}. */
    private void routeProcessAction(HttpExchange ex, String method, String path) throws IOException {
        String[] parts = path.split("/");
        if (parts.length == 4 && parts[0].isEmpty() && parts[1].equals("process")) {
            long pid;
            try {
                pid = Long.parseLong(parts[2]);
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("bad pid: " + parts[2]);
            }
            requireMethod(method, "POST");
            switch (parts[3]) {
                case "stdin" -> processes.stdin(ex, pid);
                case "stop" -> processes.stop(ex, pid);
                default -> throw ApiError.notFound("no such endpoint: " + path);
            }
            return;
        }
        throw ApiError.notFound("no such endpoint: " + path);
    }

    private static void requireMethod(String method, String expected) {
        if (!expected.equals(method)) throw new ApiError("method_not_allowed", "use " + expected);
    }

    private static byte[] parseSeed(String hex) {
        byte[] seed;
        try {
            seed = java.util.HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("'seed' must be hex");
        }
        if (seed.length < 16) throw ApiError.badRequest("'seed' must carry at least 16 bytes");
        return seed;
    }
}
