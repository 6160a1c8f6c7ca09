package dev.wrenn.controlplane.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the control plane reads from its environment, parsed and checked once at start-up.
 *
 * <p>Each field maps to one environment variable; the README's configuration table lists them. A
 * value that is present but invalid fails the start with a {@link ConfigException} naming the
 * variable, so a typo never silently falls back to a default.
 */
public record ControlPlaneConfig(
        String host,
        int port,
        Path dataDir,
        Optional<String> databaseUrl,
        Optional<String> jwtSecret,
        long maxBodyBytes,
        Optional<URI> publicUrl,
        Optional<URI> oauthRedirectUrl,
        GitHubConfig github,
        Sandboxes sandboxes,
        Optional<TlsConfig> tls,
        Limits limits,
        Builds builds) {

    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    /** GitHub OAuth settings; the provider is enabled only when both client id and secret are set. */
    public record GitHubConfig(
            Optional<String> clientId, Optional<String> clientSecret, URI authorizeUrl, URI tokenUrl, URI apiUrl) {

        public boolean enabled() {
            return clientId.isPresent() && clientSecret.isPresent();
        }
    }

    /**
     * Template builds from recipes (docs/templates.md).
     *
     * @param concurrency builds that run at once; more wait, queued
     * @param contextMaxBytes the largest build context archive accepted
     * @param stepTimeoutSec how long one RUN step may take
     * @param builtinTemplates the server's own recipes, built at start for every team (empty: none)
     */
    public record Builds(int concurrency, long contextMaxBytes, int stepTimeoutSec, Optional<Path> builtinTemplates) {}

    /**
     * Where sandboxes run and how the API bounds them.
     *
     * @param hostAgent {@code host:port} of the host agent's gRPC server; empty means no sandboxes
     *     can run (the single-node server fills it with its own in-process agent)
     * @param hostAgentToken the secret the host agent requires on every call, when it requires one
     */
    public record Sandboxes(
            Optional<String> hostAgent,
            Optional<String> hostAgentToken,
            long maxUploadBytes,
            HostAgentTimeouts timeouts,
            int reconcileIntervalSec,
            int maxMemoryMb,
            Lifecycle lifecycle) {}

    /**
     * Lifecycle duties and the E2B surface.
     *
     * @param metricsIntervalSec how often every running sandbox is sampled
     * @param metricsRetentionSec how long samples are kept
     * @param sandboxDomain the {@code domain} E2B clients build guest host names on
     *     ({@code {port}-{id}.{domain}}); empty: the public URL's host and port, else localhost and the API port
     * @param e2bTimeoutSec the time-to-live of an E2B sandbox created or connected without a timeout
     */
    public record Lifecycle(
            int metricsIntervalSec, int metricsRetentionSec, Optional<String> sandboxDomain, int e2bTimeoutSec) {}

    /**
     * What one client, account or team may use (docs/security/limits.md).
     *
     * @param rateLimitRps requests per second per API key, per signed-in user and, on the routes without
     *     credentials, per client address
     * @param rateLimitBurst how many requests such a client may make at once before the rate applies
     * @param loginWindowSec how long failed logins count, from the first failure of a window
     */
    public record Limits(
            int rateLimitRps,
            int rateLimitBurst,
            int loginMaxFailures,
            int loginMaxFailuresPerAddress,
            int loginWindowSec,
            int maxSandboxesPerTeam,
            int maxStreamsPerSandbox,
            int streamIdleTimeoutSec) {}

    /** True when the server runs its own embedded PostgreSQL: the single-node mode. */
    public boolean embeddedDatabase() {
        return databaseUrl.isEmpty();
    }

    public ControlPlaneConfig withPort(int newPort) {
        return new ControlPlaneConfig(
                host,
                newPort,
                dataDir,
                databaseUrl,
                jwtSecret,
                maxBodyBytes,
                publicUrl,
                oauthRedirectUrl,
                github,
                sandboxes,
                tls,
                limits,
                builds);
    }

    public ControlPlaneConfig withDataDir(Path newDataDir) {
        return new ControlPlaneConfig(
                host,
                port,
                newDataDir,
                databaseUrl,
                jwtSecret,
                maxBodyBytes,
                publicUrl,
                oauthRedirectUrl,
                github,
                sandboxes,
                tls,
                limits,
                builds);
    }

    public ControlPlaneConfig withHostAgent(String address, Optional<String> token) {
        var s = new Sandboxes(
                Optional.of(address),
                token,
                sandboxes.maxUploadBytes(),
                sandboxes.timeouts(),
                sandboxes.reconcileIntervalSec(),
                sandboxes.maxMemoryMb(),
                sandboxes.lifecycle());
        return new ControlPlaneConfig(
                host,
                port,
                dataDir,
                databaseUrl,
                jwtSecret,
                maxBodyBytes,
                publicUrl,
                oauthRedirectUrl,
                github,
                s,
                tls,
                limits,
                builds);
    }

    /**
     * WRENN_BUILTIN_TEMPLATES: a directory of recipes, or "off"; unset, the checkout's templates/ when the server
     * runs from one (the launcher's wrenn.home), else none.
     */
    private static Optional<Path> builtinTemplates(EnvReader reader) {
        var set = reader.string("WRENN_BUILTIN_TEMPLATES");
        if (set.isPresent()) return set.filter(v -> !v.equals("off")).map(Path::of);
        return Optional.ofNullable(System.getProperty("wrenn.home"))
                .map(home -> Path.of(home, "templates"))
                .filter(java.nio.file.Files::isDirectory);
    }

    public static ControlPlaneConfig fromEnvironment() {
        // The environment over the .env file (dev.wrenn.settings.Settings).
        return from(dev.wrenn.settings.Settings.current().all());
    }

    public static ControlPlaneConfig from(Map<String, String> env) {
        var reader = new EnvReader(env);
        var home = Path.of(System.getProperty("user.home"));
        var github = new GitHubConfig(
                reader.string("GITHUB_CLIENT_ID"),
                reader.string("GITHUB_CLIENT_SECRET"),
                reader.uri("GITHUB_AUTHORIZE_URL").orElse(URI.create("https://github.com/login/oauth/authorize")),
                reader.uri("GITHUB_TOKEN_URL").orElse(URI.create("https://github.com/login/oauth/access_token")),
                reader.uri("GITHUB_API_URL").orElse(URI.create("https://api.github.com")));
        var publicUrl = reader.uri("CP_PUBLIC_URL");
        return new ControlPlaneConfig(
                reader.string("WRENN_HOST").orElse("0.0.0.0"),
                reader.port("WRENN_PORT").orElse(DEFAULT_PORT),
                reader.string("WRENN_DATA_DIR").map(Path::of).orElse(home.resolve(".wrenn")),
                reader.string("WRENN_DATABASE_URL"),
                reader.string("WRENN_JWT_SECRET"),
                reader.positiveLong("WRENN_MAX_BODY_BYTES").orElse(DEFAULT_MAX_BODY_BYTES),
                publicUrl,
                reader.uri("OAUTH_REDIRECT_URL").or(() -> publicUrl),
                github,
                new Sandboxes(
                        reader.string("WRENN_HOST_AGENT"),
                        reader.string("WRENN_HOST_AGENT_TOKEN"),
                        reader.positiveLong("WRENN_MAX_UPLOAD_BYTES").orElse(100L * 1024 * 1024),
                        timeouts(reader),
                        reader.positiveLong("WRENN_RECONCILE_INTERVAL_SEC")
                                .orElse(10L)
                                .intValue(),
                        reader.positiveLong("WRENN_MAX_MEMORY_MB")
                                .orElse(16_384L)
                                .intValue(),
                        new Lifecycle(
                                reader.positiveInt("WRENN_METRICS_INTERVAL_SEC").orElse(5),
                                reader.positiveInt("WRENN_METRICS_RETENTION_SEC")
                                        .orElse(3600),
                                reader.string("WRENN_SANDBOX_DOMAIN"),
                                reader.positiveInt("WRENN_E2B_DEFAULT_TIMEOUT_SEC")
                                        .orElse(300))),
                tls(reader),
                new Limits(
                        reader.positiveInt("WRENN_RATE_LIMIT_RPS").orElse(200),
                        reader.positiveInt("WRENN_RATE_LIMIT_BURST").orElse(400),
                        reader.positiveInt("WRENN_LOGIN_MAX_FAILURES").orElse(5),
                        reader.positiveInt("WRENN_LOGIN_MAX_FAILURES_PER_ADDRESS")
                                .orElse(50),
                        reader.positiveInt("WRENN_LOGIN_WINDOW_SECONDS").orElse(900),
                        reader.positiveInt("WRENN_MAX_SANDBOXES_PER_TEAM").orElse(100),
                        reader.positiveInt("WRENN_MAX_STREAMS_PER_SANDBOX").orElse(32),
                        reader.positiveInt("WRENN_STREAM_IDLE_TIMEOUT_SEC").orElse(3600)),
                new Builds(
                        reader.positiveInt("WRENN_BUILD_CONCURRENCY").orElse(2),
                        reader.positiveLong("WRENN_BUILD_CONTEXT_MAX_MB").orElse(64L) << 20,
                        reader.positiveInt("WRENN_BUILD_STEP_TIMEOUT_SEC").orElse(1800),
                        builtinTemplates(reader)));
    }

    private static Optional<TlsConfig> tls(EnvReader reader) {
        var keystore = reader.string("WRENN_TLS_KEYSTORE").map(Path::of);
        var password = reader.string("WRENN_TLS_KEYSTORE_PASSWORD");
        int port = reader.port("WRENN_TLS_PORT").orElse(TlsConfig.DEFAULT_PORT);
        if (keystore.isEmpty()) {
            if (password.isPresent())
                throw new ConfigException("WRENN_TLS_KEYSTORE_PASSWORD is set without WRENN_TLS_KEYSTORE");
            return Optional.empty();
        }
        if (!java.nio.file.Files.isReadable(keystore.get())) {
            throw new ConfigException("WRENN_TLS_KEYSTORE " + keystore.get() + " is not a readable file");
        }
        return Optional.of(new TlsConfig(keystore.get(), password.orElse(""), port));
    }

    private static HostAgentTimeouts timeouts(EnvReader reader) {
        var d = HostAgentTimeouts.DEFAULTS;
        return new HostAgentTimeouts(
                reader.seconds("WRENN_CREATE_TIMEOUT_SEC").orElse(d.create()),
                reader.seconds("WRENN_PAUSE_TIMEOUT_SEC").orElse(d.pause()),
                reader.seconds("WRENN_TEMPLATE_SAVE_TIMEOUT_SEC").orElse(d.saveTemplate()),
                reader.seconds("WRENN_HOST_CALL_TIMEOUT_SEC").orElse(d.call()),
                reader.seconds("WRENN_EXEC_GRACE_SEC").orElse(d.execGrace()),
                reader.seconds("WRENN_FILE_WRITE_TIMEOUT_SEC").orElse(d.fileWrite()));
    }

    /**
     * Checks the combinations that single values cannot: the rules that make the server refuse to
     * start rather than run half-configured.
     */
    public void validate() {
        if (!embeddedDatabase() && jwtSecret.isEmpty()) {
            throw new ConfigException(
                    "WRENN_JWT_SECRET is required when WRENN_DATABASE_URL is set: only the embedded single-node"
                            + " mode generates and keeps its own secret");
        }
        jwtSecret.ifPresent(s -> {
            if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
                throw new ConfigException("WRENN_JWT_SECRET must be at least 32 bytes long");
            }
        });
        if (github.enabled() && publicUrl.isEmpty()) {
            throw new ConfigException(
                    "GitHub OAuth is configured (GITHUB_CLIENT_ID/GITHUB_CLIENT_SECRET) but CP_PUBLIC_URL is not set:"
                            + " it is needed to build the OAuth callback URL, e.g."
                            + " CP_PUBLIC_URL=https://wrenn.example.com");
        }
        sandboxes.lifecycle().sandboxDomain().ifPresent(d -> {
            if (!d.matches("[A-Za-z0-9.-]+(:\\d{1,5})?")) {
                throw new ConfigException(
                        "WRENN_SANDBOX_DOMAIN must be a host name with an optional port (e.g. sandboxes.example.com"
                                + " or localhost:8080), got '" + d + "'");
            }
        });
        if (github.clientId().isPresent() != github.clientSecret().isPresent()) {
            throw new ConfigException("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET must be set together");
        }
    }

    private record EnvReader(Map<String, String> env) {
        Optional<String> string(String name) {
            return Optional.ofNullable(env.get(name)).map(String::strip).filter(s -> !s.isEmpty());
        }

        Optional<Integer> port(String name) {
            return string(name).map(v -> {
                try {
                    int p = Integer.parseInt(v);
                    if (p < 0 || p > 65535) throw new NumberFormatException();
                    return p;
                } catch (NumberFormatException e) {
                    throw new ConfigException(name + " must be a port number (0-65535), got '" + v + "'");
                }
            });
        }

        Optional<Long> positiveLong(String name) {
            return string(name).map(v -> {
                try {
                    long n = Long.parseLong(v);
                    if (n <= 0) throw new NumberFormatException();
                    return n;
                } catch (NumberFormatException e) {
                    throw new ConfigException(name + " must be a positive integer, got '" + v + "'");
                }
            });
        }

        Optional<Integer> positiveInt(String name) {
            return positiveLong(name).map(n -> {
                if (n > Integer.MAX_VALUE) throw new ConfigException(name + " is too large, got " + n);
                return n.intValue();
            });
        }

        Optional<java.time.Duration> seconds(String name) {
            return positiveLong(name).map(java.time.Duration::ofSeconds);
        }

        Optional<URI> uri(String name) {
            return string(name).map(v -> {
                try {
                    var uri = URI.create(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
                    if (uri.getScheme() == null || uri.getHost() == null) throw new IllegalArgumentException();
                    return uri;
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name + " must be an absolute http(s) URL, got '" + v + "'");
                }
            });
        }
    }
}
