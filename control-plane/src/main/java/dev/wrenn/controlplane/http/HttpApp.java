package dev.wrenn.controlplane.http;

import dev.wrenn.controlplane.config.ControlPlaneConfig;
import dev.wrenn.controlplane.metrics.HttpMetrics;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson3;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP shell shared by every route: JSON in snake_case, the error envelope for every failure
 * (including unknown routes, wrong methods and oversized bodies), metrics, health and the contract.
 */
public final class HttpApp {
    private static final Logger log = LoggerFactory.getLogger(HttpApp.class);
    public static final String OPENAPI_RESOURCE = "/dev/wrenn/controlplane/api/openapi.yaml";

    public static final JsonMapper RESPONSE_MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private HttpApp() {}

    /** Connections idle this long close; longer than the guest's keepalive on a quiet stream (50 s). */
    static final long IDLE_TIMEOUT_MS = 300_000;

    /**
     * The server: {@code front}, when given, sees every request first (the sandbox proxy takes guest traffic there),
     * then the routes.
     */
    public static Javalin create(
            ControlPlaneConfig config, HttpMetrics metrics, Handler.Wrapper front, Consumer<RoutesConfig> features) {
        byte[] openapi = loadContract();
        return Javalin.create(cfg -> {
            // Javalin puts its servlet context inside the innermost wrapper it finds on the server.
            if (front != null) cfg.jetty.modifyServer(server -> server.setHandler(front));
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            cfg.jetty.modifyHttpConfiguration(http -> http.setIdleTimeout(IDLE_TIMEOUT_MS));
            // Javalin makes its plain connector only when none is given: with HTTPS both are made here.
            config.tls().ifPresent(tls -> {
                cfg.jetty.addConnector((server, http) ->
                        TlsConnector.plain(server, http, config.host(), config.port(), IDLE_TIMEOUT_MS));
                cfg.jetty.addConnector(
                        (server, http) -> TlsConnector.https(server, http, config.host(), tls, IDLE_TIMEOUT_MS));
            });
            cfg.startup.showJavalinBanner = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.maxRequestSize = config.maxBodyBytes();
            cfg.http.prefer405over404 = true;
            cfg.jsonMapper(new JavalinJackson3(RESPONSE_MAPPER, true));
            cfg.requestLogger.http(metrics::record);

            var routes = cfg.routes;
            routes.get("/healthz", ctx -> ctx.json(java.util.Map.of("status", "ok")));
            routes.get(
                    "/metrics",
                    ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                            .result(metrics.scrape()));
            routes.get(
                    "/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openapi));
            features.accept(routes);

            routes.exception(ApiException.class, (e, ctx) -> {
                retryAfter(ctx, e);
                error(ctx, e.error(), e.getMessage());
            });
            routes.exception(HttpResponseException.class, HttpApp::frameworkError);
            routes.exception(Exception.class, (e, ctx) -> {
                String ref = dev.wrenn.controlplane.db.Ids.random("err_", 12);
                log.error("unhandled error {} on {} {}", ref, ctx.method().name(), ctx.path(), e);
                error(ctx, ApiError.INTERNAL_ERROR, "internal error (reference " + ref + ")");
            });
            // Anything Jetty or Javalin answers by itself still gets the envelope.
            routes.error(
                    404,
                    ctx -> envelopeIfEmpty(
                            ctx,
                            ApiError.NOT_FOUND,
                            "no route for " + ctx.method().name() + " " + ctx.path()));
            routes.error(
                    405,
                    ctx -> envelopeIfEmpty(
                            ctx,
                            ApiError.METHOD_NOT_ALLOWED,
                            ctx.method().name() + " is not allowed on " + ctx.path()));
            routes.error(
                    413,
                    ctx -> envelopeIfEmpty(
                            ctx,
                            ApiError.PAYLOAD_TOO_LARGE,
                            "request body is larger than " + config.maxBodyBytes() + " bytes"));
        });
    }

    /** The port HTTPS is served on, or -1 without TLS. */
    public static int tlsPort(Javalin app) {
        for (var c : app.jettyServer().server().getConnectors()) {
            if (c instanceof org.eclipse.jetty.server.ServerConnector sc
                    && sc.getConnectionFactory(org.eclipse.jetty.server.SslConnectionFactory.class) != null) {
                return sc.getLocalPort();
            }
        }
        return -1;
    }

    private static void frameworkError(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        switch (status) {
            case 404 ->
                error(ctx, ApiError.NOT_FOUND, "no route for " + ctx.method().name() + " " + ctx.path());
            case 405 ->
                error(ctx, ApiError.METHOD_NOT_ALLOWED, ctx.method().name() + " is not allowed on " + ctx.path());
            case 413 -> error(ctx, ApiError.PAYLOAD_TOO_LARGE, "request body is too large");
            // Any other status keeps its number, with the generic code of its kind.
            default -> error(ctx, status, ApiError.forStatus(status).code(), e.getMessage());
        }
    }

    private static void envelopeIfEmpty(Context ctx, ApiError error, String message) {
        if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{\"error\"")) {
            error(ctx, error, message);
        }
    }

    /** Sets {@code Retry-After} when the error says when to retry. */
    public static void retryAfter(Context ctx, ApiException e) {
        if (e.retryAfterSec() > 0) ctx.header("Retry-After", Long.toString(e.retryAfterSec()));
    }

    public static void error(Context ctx, ApiError error, String message) {
        error(ctx, error.status(), error.code(), message);
    }

    public static void error(Context ctx, int status, String code, String message) {
        ctx.status(status).json(ErrorBody.of(code, message));
    }

    private static byte[] loadContract() {
        try (InputStream in = HttpApp.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) throw new IllegalStateException("contract " + OPENAPI_RESOURCE + " missing from the build");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
