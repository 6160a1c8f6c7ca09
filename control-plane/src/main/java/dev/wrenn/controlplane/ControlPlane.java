package dev.wrenn.controlplane;

import dev.wrenn.controlplane.apikey.ApiKeyRoutes;
import dev.wrenn.controlplane.apikey.ApiKeyService;
import dev.wrenn.controlplane.auth.AccountService;
import dev.wrenn.controlplane.auth.AuthRoutes;
import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.auth.JwtService;
import dev.wrenn.controlplane.auth.PasswordHasher;
import dev.wrenn.controlplane.auth.oauth.OAuthAccounts;
import dev.wrenn.controlplane.auth.oauth.OAuthProviders;
import dev.wrenn.controlplane.auth.oauth.OAuthState;
import dev.wrenn.controlplane.config.ControlPlaneConfig;
import dev.wrenn.controlplane.config.Secrets;
import dev.wrenn.controlplane.db.Database;
import dev.wrenn.controlplane.http.HttpApp;
import dev.wrenn.controlplane.metrics.HttpMetrics;
import dev.wrenn.controlplane.sandbox.SandboxRoutes;
import dev.wrenn.controlplane.sandbox.SandboxStore;
import io.javalin.Javalin;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane: the public REST API over PostgreSQL.
 *
 * <p>{@link #start} brings up the database (embedded or external), migrates it, and serves HTTP;
 * {@link #close} stops both, HTTP first so no request sees a closed pool.
 */
public final class ControlPlane implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

    private final Database database;
    private final Javalin http;
    private final ControlPlaneConfig config;

    private ControlPlane(Database database, Javalin http, ControlPlaneConfig config) {
        this.database = database;
        this.http = http;
        this.config = config;
    }

    public static ControlPlane start(ControlPlaneConfig config) {
        config.validate();
        long t0 = System.nanoTime();
        var clock = Clock.systemUTC();
        byte[] jwtSecret = Secrets.jwtSecret(config);
        var database = Database.open(config.databaseUrl(), config.dataDir());
        try {
            var jdbi = database.jdbi();
            var jwt = new JwtService(jwtSecret, clock);
            var apiKeys = new ApiKeyService(jdbi);
            var authenticator = new Authenticator(jwt, apiKeys);
            var httpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            var authRoutes = new AuthRoutes(
                    new AccountService(jdbi, new PasswordHasher(), jwt),
                    OAuthProviders.fromConfig(config, httpClient),
                    new OAuthState(Secrets.derive(jwtSecret, "oauth-state"), clock),
                    new OAuthAccounts(jdbi, jwt),
                    config.publicUrl(),
                    config.oauthRedirectUrl());
            var apiKeyRoutes = new ApiKeyRoutes(apiKeys);
            var sandboxRoutes = new SandboxRoutes(new SandboxStore(jdbi));
            var app = HttpApp.create(config, new HttpMetrics(), routes -> {
                authRoutes.register(routes);
                apiKeyRoutes.register(routes, authenticator);
                sandboxRoutes.register(routes, authenticator);
            });
            app.start(config.host(), config.port());
            log.info(
                    "control plane listening on http://{}:{} ({} database) in {} ms",
                    config.host(),
                    app.port(),
                    config.embeddedDatabase() ? "embedded" : "external",
                    (System.nanoTime() - t0) / 1_000_000);
            return new ControlPlane(database, app, config);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    public ControlPlaneConfig config() {
        return config;
    }

    @Override
    public void close() {
        try {
            http.stop();
        } finally {
            database.close();
        }
    }
}
