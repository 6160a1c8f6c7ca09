package dev.wrenn.controlplane.testing;

import dev.wrenn.controlplane.ControlPlane;
import dev.wrenn.controlplane.config.ControlPlaneConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A control plane on an ephemeral loopback port, against its own database on the shared test
 * PostgreSQL. Always closed by the test ({@code try}-with-resources or {@code @AfterAll}).
 */
public final class TestServer implements AutoCloseable {
    public static final String JWT_SECRET = "test-secret-0123456789abcdef0123456789abcdef";

    private final ControlPlane controlPlane;
    private final Path dataDir;
    private final Map<String, String> env;

    private TestServer(ControlPlane controlPlane, Path dataDir, Map<String, String> env) {
        this.controlPlane = controlPlane;
        this.dataDir = dataDir;
        this.env = env;
    }

    /** Stops this server and starts another on the same database, data dir and host agent. */
    public TestServer restart() {
        close();
        return new TestServer(ControlPlane.start(ControlPlaneConfig.from(env)), dataDir, env);
    }

    public static TestServer start() {
        return start(Map.of());
    }

    /** A server whose sandboxes run on the shared real host agent. */
    public static TestServer withSandboxes(Map<String, String> overrides) {
        var env = new HashMap<String, String>();
        env.put("WRENN_HOST_AGENT", TestHostAgent.address());
        env.put("WRENN_HOST_AGENT_TOKEN", TestHostAgent.TOKEN);
        env.putAll(overrides);
        return start(env);
    }

    /** Starts with the given environment on top of the test defaults. */
    public static TestServer start(Map<String, String> overrides) {
        try {
            Path dataDir = Files.createTempDirectory("wrenn-cp-test");
            var env = new HashMap<String, String>();
            env.put("WRENN_HOST", "127.0.0.1");
            env.put("WRENN_PORT", "0");
            env.put("WRENN_DATA_DIR", dataDir.toString());
            env.put("WRENN_DATABASE_URL", TestPostgres.newDatabaseUrl());
            env.put("WRENN_JWT_SECRET", JWT_SECRET);
            env.putAll(overrides);
            env.values().removeIf(v -> v == null || v.isEmpty());
            return new TestServer(ControlPlane.start(ControlPlaneConfig.from(env)), dataDir, Map.copyOf(env));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ControlPlane controlPlane() {
        return controlPlane;
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + controlPlane.port());
    }

    public ApiClient client() {
        return ApiClient.of(baseUri());
    }

    /** A JDBC URL of this server's database (user and password postgres), for checking rows directly. */
    public String jdbcUrl() {
        return env.get("WRENN_DATABASE_URL").replaceFirst("^postgres://postgres:postgres@", "jdbc:postgresql://");
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        controlPlane.close();
    }
}
