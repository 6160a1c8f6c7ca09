package dev.wrenn.controlplane.mcp;

import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * MCP's streamable HTTP transport at {@code /mcp} (docs/mcp.md): each POST carries one JSON-RPC message (or a
 * batch) and is answered with plain JSON, or 202 when it needs no answer. The server opens no event stream of its
 * own (GET is 405) and issues no session, so there is nothing to end (DELETE is 405) and nothing to lose between
 * replicas. The caller authenticates as on any API route, and its tools act with that same credential.
 */
public final class McpRoutes {
    public static final String PATH = "/mcp";

    private final McpProtocol protocol;
    private final LocalApi api;
    private final Optional<URI> publicUrl;

    public McpRoutes(String bindHost, Optional<URI> publicUrl) {
        this.protocol = new McpProtocol(version());
        this.api = new LocalApi(bindHost);
        this.publicUrl = publicUrl;
    }

    /** The server listens on {@code port}: tools can reach the API from now on. */
    public void listening(int port) {
        api.listening(port);
    }

    public void register(RoutesConfig routes, Authenticator auth) {
        routes.post(PATH, ctx -> {
            checkOrigin(ctx);
            auth.requireApiKey(ctx);
            post(ctx);
        });
        routes.get(PATH, McpRoutes::noStream);
        routes.delete(PATH, McpRoutes::noStream);
    }

    private void post(Context ctx) {
        String asked = ctx.header("MCP-Protocol-Version");
        if (asked != null && !McpProtocol.supports(asked)) {
            throw ApiException.invalid("unsupported MCP-Protocol-Version '" + asked + "'; supported: "
                    + String.join(", ", McpProtocol.VERSIONS));
        }
        JsonNode message;
        try {
            message = JsonBody.MAPPER.readTree(ctx.bodyAsBytes());
        } catch (JacksonException e) {
            // An HTTP error in the API's envelope, as on every route: the transport lets a server refuse input so.
            throw new ApiException(ApiError.INVALID_JSON, "the body is not JSON");
        }
        var caller = credential(ctx);
        if (message.isArray()) {
            var answers = JsonBody.MAPPER.createArrayNode();
            for (var m : message) {
                var a = protocol.handle(m, caller);
                if (a != null) answers.add(a);
            }
            if (message.isEmpty()) {
                throw ApiException.invalid("an empty batch");
            } else if (answers.isEmpty()) {
                ctx.status(202);
            } else {
                ctx.json(answers);
            }
            return;
        }
        if (!message.isObject() || !"2.0".equals(message.path("jsonrpc").asString(""))) {
            throw ApiException.invalid("the body is not a JSON-RPC 2.0 message");
        }
        var answer = protocol.handle(message, caller);
        if (answer == null) ctx.status(202);
        else ctx.json(answer);
    }

    /** The credential the request authenticated with, passed on to the API as it came. */
    private LocalApi.Caller credential(Context ctx) {
        String key = ctx.header("X-API-Key");
        return key != null ? api.as("X-API-Key", key) : api.as("Authorization", ctx.header("Authorization"));
    }

    /**
     * MCP's defence against DNS rebinding: a browser's request from a page of another site is refused. Requests
     * without an Origin (every non-browser client) and from loopback pages or the server's own public URL pass.
     */
    private void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) return;
        URI uri;
        try {
            uri = URI.create(origin);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ApiError.PERMISSION_DENIED, "the Origin header is not a URL");
        }
        String host = uri.getHost() == null ? "" : uri.getHost();
        boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
        boolean own = publicUrl.map(p -> sameOrigin(p, uri)).orElse(false);
        if (!loopback && !own) {
            throw new ApiException(ApiError.PERMISSION_DENIED, "requests from pages of " + origin + " are refused");
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static void noStream(Context ctx) {
        ctx.header("Allow", "POST");
        throw new ApiException(
                ApiError.METHOD_NOT_ALLOWED,
                "this MCP server answers every POST directly: it has no event stream " + "and no session to end");
    }

    private static String version() {
        String v = McpRoutes.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
