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
import dev.wrenn.controlplane.fs.FsRoutes;
import dev.wrenn.controlplane.fs.WatchSocket;
import dev.wrenn.controlplane.host.HostAgentClient;
import dev.wrenn.controlplane.host.grpc.GrpcHostAgentClient;
import dev.wrenn.controlplane.http.HttpApp;
import dev.wrenn.controlplane.metrics.HttpMetrics;
import dev.wrenn.controlplane.process.ProcessRoutes;
import dev.wrenn.controlplane.process.ProcessSocket;
import dev.wrenn.controlplane.process.TerminalSocket;
import dev.wrenn.controlplane.sandbox.AutoPauser;
import dev.wrenn.controlplane.sandbox.ExecStreamSocket;
import dev.wrenn.controlplane.sandbox.FileTransfer;
import dev.wrenn.controlplane.sandbox.Reconciler;
import dev.wrenn.controlplane.sandbox.SandboxLimits;
import dev.wrenn.controlplane.sandbox.SandboxRoutes;
import dev.wrenn.controlplane.sandbox.SandboxService;
import dev.wrenn.controlplane.sandbox.SandboxStore;
import dev.wrenn.controlplane.template.TemplateRoutes;
import dev.wrenn.controlplane.template.TemplateService;
import dev.wrenn.controlplane.template.TemplateStore;
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
    private final HostAgentClient hostAgent;
    private final Reconciler reconciler;
    private final AutoPauser autoPauser;
    private final SandboxService sandboxes;

    private ControlPlane(
            Database database,
            Javalin http,
            ControlPlaneConfig config,
            HostAgentClient hostAgent,
            Reconciler reconciler,
            AutoPauser autoPauser,
            SandboxService sandboxes) {
        this.autoPauser = autoPauser;
        this.sandboxes = sandboxes;
        this.database = database;
        this.http = http;
        this.config = config;
        this.hostAgent = hostAgent;
        this.reconciler = reconciler;
    }

    public static ControlPlane start(ControlPlaneConfig config) {
        config.validate();
        long t0 = System.nanoTime();
        var clock = Clock.systemUTC();
        byte[] jwtSecret = Secrets.jwtSecret(config);
        var database = Database.open(config.databaseUrl(), config.dataDir());
        HostAgentClient hostAgent = null;
        Reconciler reconciler = null;
        AutoPauser autoPauser = null;
        try {
            var jdbi = database.jdbi();
            var jwt = new JwtService(jwtSecret, clock);
            var apiKeys = new ApiKeyService(jdbi);
            var authenticator = new Authenticator(jwt, apiKeys);
            var httpClient = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            var authRoutes = new AuthRoutes(
                    new AccountService(jdbi, new PasswordHasher(), jwt),
                    OAuthProviders.fromConfig(config, httpClient),
                    new OAuthState(Secrets.derive(jwtSecret, "oauth-state"), clock),
                    new OAuthAccounts(jdbi, jwt),
                    config.publicUrl(),
                    config.oauthRedirectUrl());
            var apiKeyRoutes = new ApiKeyRoutes(apiKeys);
            var sandboxStore = new SandboxStore(jdbi);
            hostAgent = config.sandboxes()
                    .hostAgent()
                    .<HostAgentClient>map(a -> new GrpcHostAgentClient(
                            a,
                            config.sandboxes().hostAgentToken(),
                            config.sandboxes().timeouts()))
                    .orElse(null);
            var templateStore = new TemplateStore(jdbi);
            var sandboxService = new SandboxService(
                    sandboxStore,
                    templateStore,
                    hostAgent,
                    new SandboxLimits(
                            Runtime.getRuntime().availableProcessors(),
                            128,
                            config.sandboxes().maxMemoryMb(),
                            7 * 24 * 3600,
                            3600));
            var sandboxRoutes = new SandboxRoutes(
                    sandboxStore,
                    sandboxService,
                    new FileTransfer(
                            sandboxService,
                            config.sandboxes().maxUploadBytes(),
                            config.dataDir().resolve("spool")),
                    new ExecStreamSocket(sandboxService, sandboxStore, authenticator));
            var templateRoutes = new TemplateRoutes(new TemplateService(templateStore, sandboxService));
            if (hostAgent != null) {
                autoPauser = new AutoPauser(sandboxStore, sandboxService, java.time.Duration.ofSeconds(1));
                reconciler = new Reconciler(
                        sandboxStore,
                        hostAgent,
                        java.time.Duration.ofSeconds(config.sandboxes().reconcileIntervalSec()),
                        sandboxService::tryWithLock);
            }
            var app = HttpApp.create(config, new HttpMetrics(), null, routes -> {
                authRoutes.register(routes);
                apiKeyRoutes.register(routes, authenticator);
                sandboxRoutes.register(routes, authenticator);
                templateRoutes.register(routes, authenticator);
                new ProcessRoutes(sandboxService).register(routes, authenticator);
                new ProcessSocket(sandboxService, authenticator).register(routes);
                new TerminalSocket(sandboxService, authenticator).register(routes);
                new FsRoutes(sandboxService).register(routes, authenticator);
                new WatchSocket(sandboxService, authenticator).register(routes);
            });
            app.start(config.host(), config.port());
            log.info(
                    "control plane listening on http://{}:{} ({} database) in {} ms",
                    config.host(),
                    app.port(),
                    config.embeddedDatabase() ? "embedded" : "external",
                    (System.nanoTime() - t0) / 1_000_000);
            if (reconciler != null) reconciler.start();
            if (autoPauser != null) autoPauser.start();
            return new ControlPlane(database, app, config, hostAgent, reconciler, autoPauser, sandboxService);
        } catch (RuntimeException e) {
            if (autoPauser != null) autoPauser.close();
            if (reconciler != null) reconciler.close();
            if (hostAgent != null) hostAgent.close();
            database.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    /** The HTTPS port, or -1 when no certificate is configured. */
    public int tlsPort() {
        return HttpApp.tlsPort(http);
    }

    public ControlPlaneConfig config() {
        return config;
    }

    /** The reconciler, or null without a host agent (for operators' tooling and tests). */
    public Reconciler reconciler() {
        return reconciler;
    }

    /** The sandbox lifecycle service (for embedding: the CLI's single-node platform, tests). */
    public SandboxService sandboxes() {
        return sandboxes;
    }

    @Override
    public void close() {
        try {
            if (autoPauser != null) autoPauser.close();
            if (reconciler != null) reconciler.close();
            http.stop();
        } finally {
            if (hostAgent != null) hostAgent.close();
            database.close();
        }
    }
}
