package dev.wrenn.controlplane.auth;

import dev.wrenn.controlplane.apikey.ApiKeyService;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.SocketCredential;
import dev.wrenn.controlplane.limits.RateLimiter;
import io.javalin.http.Context;

/**
 * Turns request credentials into a {@link Principal}. The routes a team's programs use (sandboxes, templates,
 * files, processes, E2B's API) take an API key in {@code X-API-Key} or a user's session token in {@code
 * Authorization: Bearer <jwt>}, which acts for the user's team: the dashboard uses its session everywhere, as
 * any client may. The api-keys routes take only the session token (a key cannot mint keys). On a WebSocket
 * upgrade either credential may come in {@code Sec-WebSocket-Protocol} instead ({@link SocketCredential}, parsed
 * by the shared upgrade path), since browsers cannot set headers there. Failures are 401s that do not say which
 * part was wrong. Every authenticated request also takes one from its key's or user's request budget, so the limit
 * follows the credential wherever it is used (/v1, E2B, WebSockets).
 */
public final class Authenticator {
    public static final String ATTRIBUTE = "wrenn.principal";

    private final JwtService jwt;
    private final ApiKeyService apiKeys;
    private final RateLimiter rate;

    public Authenticator(JwtService jwt, ApiKeyService apiKeys, RateLimiter rate) {
        this.jwt = jwt;
        this.apiKeys = apiKeys;
        this.rate = rate;
    }

    /**
     * The credential of the routes that take an API key: {@code X-API-Key} when sent (so a client sending both
     * headers, as E2B's SDKs may with a token of E2B's own, is read as before), else {@code Authorization:
     * Bearer}, else a WebSocket's offered credential.
     */
    public void requireApiKey(Context ctx) {
        String key = ctx.header("X-API-Key");
        if (key != null && !key.isBlank()) {
            apiKey(ctx, key);
            return;
        }
        if (ctx.header("Authorization") != null) {
            requireUser(ctx);
            return;
        }
        switch (ctx.<SocketCredential>attribute(SocketCredential.ATTRIBUTE)) {
            case SocketCredential.ApiKey k -> apiKey(ctx, k.key());
            case SocketCredential.Bearer b -> session(ctx, b.token());
            case null ->
                throw ApiException.unauthorized(
                        "missing credentials: send X-API-Key, or 'Authorization: Bearer <session token>'");
        }
    }

    private void apiKey(Context ctx, String key) {
        var principal =
                apiKeys.authenticate(key.strip()).orElseThrow(() -> ApiException.unauthorized("invalid API key"));
        rate.check("key:" + principal.keyId());
        ctx.attribute(ATTRIBUTE, principal);
    }

    public void requireUser(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("missing 'Authorization: Bearer <token>' header");
        }
        session(ctx, header.substring(7));
    }

    private void session(Context ctx, String token) {
        var session =
                jwt.verify(token.strip()).orElseThrow(() -> ApiException.unauthorized("invalid or expired token"));
        rate.check("user:" + session.userId());
        ctx.attribute(ATTRIBUTE, new Principal.User(session.userId(), session.teamId(), session.email()));
    }

    /** Either credential: a session token when an {@code Authorization} header is sent, else an API key. */
    public void requireAny(Context ctx) {
        if (ctx.header("Authorization") != null) {
            requireUser(ctx);
        } else {
            requireApiKey(ctx);
        }
    }

    /** The handler, behind an API key or a session token ({@link #requireApiKey}). */
    public io.javalin.http.Handler withApiKey(io.javalin.http.Handler handler) {
        return ctx -> {
            requireApiKey(ctx);
            handler.handle(ctx);
        };
    }

    /** The handler, behind session-token authentication. */
    public io.javalin.http.Handler withUser(io.javalin.http.Handler handler) {
        return ctx -> {
            requireUser(ctx);
            handler.handle(ctx);
        };
    }

    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(ATTRIBUTE);
        if (p == null) throw new IllegalStateException("route reached without authentication");
        return p;
    }

    public static Principal.User user(Context ctx) {
        if (principal(ctx) instanceof Principal.User u) return u;
        throw ApiException.unauthorized("this route needs a user session token");
    }
}
