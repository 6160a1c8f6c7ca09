package dev.wrenn.controlplane;

import dev.wrenn.controlplane.apikey.ApiKeyRoutes;
import dev.wrenn.controlplane.apikey.ApiKeyService;
import dev.wrenn.controlplane.audit.AuditLog;
import dev.wrenn.controlplane.audit.AuditRoutes;
import dev.wrenn.controlplane.auth.AccountService;
import dev.wrenn.controlplane.auth.AuthRoutes;
import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.auth.JwtService;
import dev.wrenn.controlplane.auth.LoginThrottle;
import dev.wrenn.controlplane.auth.PasswordHasher;
import dev.wrenn.controlplane.auth.oauth.OAuthAccounts;
import dev.wrenn.controlplane.auth.oauth.OAuthProviders;
import dev.wrenn.controlplane.auth.oauth.OAuthState;
import dev.wrenn.controlplane.build.BuildLog;
import dev.wrenn.controlplane.build.BuildRoutes;
import dev.wrenn.controlplane.build.BuildService;
import dev.wrenn.controlplane.build.BuildStore;
import dev.wrenn.controlplane.build.LayerStore;
import dev.wrenn.controlplane.code.CodeRoutes;
import dev.wrenn.controlplane.config.ControlPlaneConfig;
import dev.wrenn.controlplane.config.Secrets;
import dev.wrenn.controlplane.dashboard.DashboardRoutes;
import dev.wrenn.controlplane.db.Database;
import dev.wrenn.controlplane.e2b.E2bRoutes;
import dev.wrenn.controlplane.e2b.SandboxDomain;
import dev.wrenn.controlplane.fs.FsRoutes;
import dev.wrenn.controlplane.fs.WatchSocket;
import dev.wrenn.controlplane.host.HostAgentClient;
import dev.wrenn.controlplane.host.grpc.GrpcHostAgentClient;
import dev.wrenn.controlplane.http.HttpApp;
import dev.wrenn.controlplane.limits.FailureWindows;
import dev.wrenn.controlplane.limits.RateLimiter;
import dev.wrenn.controlplane.limits.StreamSlots;
import dev.wrenn.controlplane.mcp.McpRoutes;
import dev.wrenn.controlplane.metrics.HttpMetrics;
import dev.wrenn.controlplane.process.ProcessRoutes;
import dev.wrenn.controlplane.process.ProcessSocket;
import dev.wrenn.controlplane.process.TerminalSocket;
import dev.wrenn.controlplane.proxy.GuestTrafficHandler;
import dev.wrenn.controlplane.proxy.SandboxProxy;
import dev.wrenn.controlplane.sandbox.AccessTokens;
import dev.wrenn.controlplane.sandbox.AutoPauser;
import dev.wrenn.controlplane.sandbox.ExecStreamSocket;
import dev.wrenn.controlplane.sandbox.FileTransfer;
import dev.wrenn.controlplane.sandbox.LifecycleDuties;
import dev.wrenn.controlplane.sandbox.Lifetimes;
import dev.wrenn.controlplane.sandbox.MetricsQuery;
import dev.wrenn.controlplane.sandbox.MetricsStore;
import dev.wrenn.controlplane.sandbox.ProxyDirectory;
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
    private final LifecycleDuties duties;
    private final ProxyDirectory directory;
    private final BuildService builds;

    private ControlPlane(
            Database database,
            Javalin http,
            ControlPlaneConfig config,
            HostAgentClient hostAgent,
            Reconciler reconciler,
            AutoPauser autoPauser,
            SandboxService sandboxes,
            LifecycleDuties duties,
            ProxyDirectory directory,
            BuildService builds) {
        this.builds = builds;
        this.duties = duties;
        this.directory = directory;
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
        LifecycleDuties duties = null;
        try {
            var jdbi = database.jdbi();
            var jwt = new JwtService(jwtSecret, clock);
            var apiKeys = new ApiKeyService(jdbi);
            var limits = config.limits();
            var rate = RateLimiter.system(limits.rateLimitRps(), limits.rateLimitBurst());
            var authenticator = new Authenticator(jwt, apiKeys, rate);
            var audit = new AuditLog(jdbi);
            var slots =
                    new StreamSlots(limits.maxStreamsPerSandbox(), Duration.ofSeconds(limits.streamIdleTimeoutSec()));
            var loginWindow = Duration.ofSeconds(limits.loginWindowSec());
            var httpClient = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            var authRoutes = new AuthRoutes(
                    new AccountService(jdbi, new PasswordHasher(), jwt),
                    OAuthProviders.fromConfig(config, httpClient),
                    new OAuthState(Secrets.derive(jwtSecret, "oauth-state"), clock),
                    new OAuthAccounts(jdbi, jwt),
                    config.publicUrl(),
                    config.oauthRedirectUrl(),
                    new LoginThrottle(
                            new FailureWindows(limits.loginMaxFailures(), loginWindow, System::nanoTime),
                            new FailureWindows(limits.loginMaxFailuresPerAddress(), loginWindow, System::nanoTime)),
                    audit);
            var apiKeyRoutes = new ApiKeyRoutes(apiKeys, audit);
            var sandboxStore = new SandboxStore(jdbi, limits.maxSandboxesPerTeam());
            hostAgent = config.sandboxes()
                    .hostAgent()
                    .<HostAgentClient>map(a -> new GrpcHostAgentClient(
                            a,
                            config.sandboxes().hostAgentToken(),
                            config.sandboxes().timeouts()))
                    .orElse(null);
            var templateStore = new TemplateStore(jdbi);
            var tokens = new AccessTokens(jwtSecret);
            var sandboxService = new SandboxService(
                    sandboxStore,
                    templateStore,
                    hostAgent,
                    new SandboxLimits(
                            Runtime.getRuntime().availableProcessors(),
                            128,
                            config.sandboxes().maxMemoryMb(),
                            7 * 24 * 3600,
                            3600),
                    tokens);
            var lifetimes = new Lifetimes(sandboxService, sandboxStore);
            var metricsStore = new MetricsStore(jdbi);
            var metricsQuery = new MetricsQuery(sandboxService, metricsStore, clock);
            var lifecycle = config.sandboxes().lifecycle();
            var sandboxRoutes = new SandboxRoutes(
                    sandboxStore,
                    sandboxService,
                    lifetimes,
                    metricsQuery,
                    new FileTransfer(
                            sandboxService,
                            config.sandboxes().maxUploadBytes(),
                            config.dataDir().resolve("spool"),
                            slots),
                    new ExecStreamSocket(sandboxService, sandboxStore, authenticator, slots),
                    audit);
            var templateService = new TemplateService(templateStore, sandboxService);
            var templateRoutes = new TemplateRoutes(templateService, audit);
            var buildService = new BuildService(
                    new BuildStore(jdbi),
                    new BuildLog(jdbi),
                    new LayerStore(jdbi),
                    templateStore,
                    templateService,
                    sandboxService,
                    config.builds());
            if (hostAgent != null) {
                buildService.recover();
                config.builds().builtinTemplates().ifPresent(buildService::buildBuiltins);
            }
            var domain = new SandboxDomain(lifecycle.sandboxDomain(), config.publicUrl(), config.port());
            var e2bRoutes = new E2bRoutes(
                    sandboxStore,
                    sandboxService,
                    lifetimes,
                    metricsQuery,
                    templateService,
                    tokens,
                    domain,
                    lifecycle.e2bTimeoutSec(),
                    audit);
            if (hostAgent != null) {
                autoPauser = new AutoPauser(sandboxStore, sandboxService, java.time.Duration.ofSeconds(1));
                reconciler = new Reconciler(
                        sandboxStore,
                        hostAgent,
                        java.time.Duration.ofSeconds(config.sandboxes().reconcileIntervalSec()),
                        sandboxService::tryWithLock);
                duties = new LifecycleDuties(
                        sandboxStore,
                        lifetimes,
                        metricsStore,
                        hostAgent,
                        Duration.ofSeconds(lifecycle.metricsIntervalSec()),
                        Duration.ofSeconds(lifecycle.metricsRetentionSec()),
                        clock);
            }
            var directory = new ProxyDirectory(sandboxStore, sandboxService);
            var codeRoutes = new CodeRoutes(
                    sandboxService,
                    hostAgent == null ? null : hostAgent.proxyToken().orElse(null));
            var guestTraffic = new GuestTrafficHandler(
                    new SandboxProxy(
                            directory,
                            hostAgent == null ? null : hostAgent.proxyToken().orElse(null)),
                    domain::value);
            var mcp = new McpRoutes(config.host(), config.publicUrl());
            var app = HttpApp.create(config, new HttpMetrics(), guestTraffic, routes -> {
                // The routes without credentials (sign-up, login, OAuth) are limited per client address.
                routes.before("/v1/auth/*", ctx -> rate.check("address:" + ctx.ip()));
                authRoutes.register(routes);
                new AuditRoutes(audit).register(routes, authenticator);
                apiKeyRoutes.register(routes, authenticator);
                sandboxRoutes.register(routes, authenticator);
                templateRoutes.register(routes, authenticator);
                new BuildRoutes(buildService, audit).register(routes, authenticator);
                new ProcessRoutes(sandboxService).register(routes, authenticator);
                new ProcessSocket(sandboxService, authenticator, slots).register(routes);
                new TerminalSocket(sandboxService, authenticator, slots).register(routes);
                new FsRoutes(sandboxService).register(routes, authenticator);
                codeRoutes.register(routes, authenticator);
                new WatchSocket(sandboxService, authenticator, slots).register(routes);
                e2bRoutes.register(routes, authenticator);
                mcp.register(routes, authenticator);
                new DashboardRoutes().register(routes);
            });
            app.start(config.host(), config.port());
            domain.listening(app.port());
            mcp.listening(app.port());
            log.info(
                    "control plane listening on http://{}:{} ({} database) in {} ms",
                    config.host(),
                    app.port(),
                    config.embeddedDatabase() ? "embedded" : "external",
                    (System.nanoTime() - t0) / 1_000_000);
            if (reconciler != null) reconciler.start();
            if (autoPauser != null) autoPauser.start();
            if (duties != null) duties.start();
            return new ControlPlane(
                    database,
                    app,
                    config,
                    hostAgent,
                    reconciler,
                    autoPauser,
                    sandboxService,
                    duties,
                    directory,
                    buildService);
        } catch (RuntimeException e) {
            if (duties != null) duties.close();
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

    /** The sandboxes as the sandbox proxy looks them up (any team, by id). */
    public ProxyDirectory sandboxDirectory() {
        return directory;
    }

    /** Waits until the built-in templates are checked and, where needed, built (true at once without any). */
    public boolean awaitBuiltinTemplates(Duration timeout) throws InterruptedException {
        return builds.awaitBuiltins(timeout);
    }

    /** The time-to-live and metrics duties, or null without a host agent. */
    public LifecycleDuties lifecycleDuties() {
        return duties;
    }

    @Override
    public void close() {
        try {
            // Running builds stop first: their sandboxes are destroyed while the host agent still answers.
            builds.close();
            if (duties != null) duties.close();
            if (autoPauser != null) autoPauser.close();
            if (reconciler != null) reconciler.close();
            http.stop();
        } finally {
            if (hostAgent != null) hostAgent.close();
            database.close();
        }
    }
}
