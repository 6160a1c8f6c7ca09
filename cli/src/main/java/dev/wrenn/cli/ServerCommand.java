package dev.wrenn.cli;

import dev.wrenn.controlplane.ControlPlane;
import dev.wrenn.controlplane.config.ConfigException;
import dev.wrenn.controlplane.config.ControlPlaneConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wrenn server}: the single-node platform in one process, until Ctrl-C or SIGTERM. */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run the single-node Wrenn platform.")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--port", description = "HTTP port (env WRENN_PORT, default 8080).")
    Integer port;

    @Option(names = "--data-dir", description = "Where all state lives (env WRENN_DATA_DIR, default ~/.wrenn).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        ControlPlaneConfig config;
        ControlPlane cp;
        try {
            config = ControlPlaneConfig.fromEnvironment();
            if (port != null) config = config.withPort(port);
            if (dataDir != null) config = config.withDataDir(dataDir.toAbsolutePath());
            cp = ControlPlane.start(config);
        } catch (ConfigException e) {
            System.err.println("wrenn: " + e.getMessage());
            return 2;
        }
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("wrenn-shutdown").unstarted(() -> {
            System.err.println("wrenn: shutting down");
            cp.close();
            stopped.countDown();
        }));
        String base = "http://localhost:" + cp.port();
        System.out.println();
        System.out.println("Wrenn is running at " + base + "  (data in " + config.dataDir() + ")");
        System.out.println();
        System.out.println("Sign up and get a token:");
        System.out.println("  curl -s -X POST " + base + "/v1/auth/signup -H 'Content-Type: application/json' \\");
        System.out.println("       -d '{\"email\":\"you@example.com\",\"password\":\"a-long-password\"}'");
        System.out.println("Create an API key with it:");
        System.out.println("  curl -s -X POST " + base + "/v1/api-keys -H \"Authorization: Bearer $TOKEN\" \\");
        System.out.println("       -H 'Content-Type: application/json' -d '{\"name\":\"laptop\"}'");
        System.out.println("The API contract: " + base + "/openapi.yaml   Press Ctrl-C to stop.");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
