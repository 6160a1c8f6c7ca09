package dev.wrenn.cli;

import dev.wrenn.cli.client.CliException;
import dev.wrenn.controlplane.config.ConfigException;
import dev.wrenn.controlplane.config.ControlPlaneConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wrenn server}: the single-node platform in one process, until Ctrl-C or SIGTERM. */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run the single-node Wrenn platform.")
class ServerCommand implements Callable<Integer> {
    @Option(names = "--port", description = "HTTP port (env WRENN_PORT, default 8080).")
    Integer port;

    @Option(names = "--data-dir", description = "Where all state lives (env WRENN_DATA_DIR, default ~/.wrenn).")
    Path dataDir;

    ControlPlaneConfig config() {
        var config = ControlPlaneConfig.fromEnvironment();
        if (port != null) config = config.withPort(port);
        if (dataDir != null) config = config.withDataDir(dataDir.toAbsolutePath());
        config.validate();
        return config;
    }

    /** Starts the platform; a bad setting is the user's to fix, so it exits 2 as a usage error does. */
    Platform start() throws IOException, InterruptedException {
        try {
            return Platform.start(config());
        } catch (ConfigException e) {
            throw new CliException(e.getMessage(), 2);
        }
    }

    @Override
    public Integer call() throws Exception {
        Platform platform = start();
        return serve(platform, () -> {
            String base = "http://localhost:" + platform.controlPlane.port();
            System.out.println();
            System.out.println("Wrenn is running at " + base + "  (data in "
                    + platform.controlPlane.config().dataDir() + ")");
            System.out.println();
            System.out.println("Dashboard: " + base + "/  (sign up there), or from a shell:");
            System.out.println("Sign up and get a token:");
            System.out.println("  curl -s -X POST " + base + "/v1/auth/signup -H 'Content-Type: application/json' \\");
            System.out.println("       -d '{\"email\":\"you@example.com\",\"password\":\"a-long-password\"}'");
            System.out.println("Create an API key with it:");
            System.out.println("  curl -s -X POST " + base + "/v1/api-keys -H \"Authorization: Bearer $TOKEN\" \\");
            System.out.println("       -H 'Content-Type: application/json' -d '{\"name\":\"laptop\"}'");
            System.out.println(
                    "Then: ./wrenn sandbox create --api-key wrn_...   (API contract: " + base + "/openapi.yaml)");
            System.out.println("Press Ctrl-C to stop.");
        });
    }

    /** Prints the banner, then serves until the process is told to stop, and stops everything cleanly. */
    static int serve(Platform platform, Runnable banner) throws InterruptedException {
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(Thread.ofPlatform().name("wrenn-shutdown").unstarted(() -> {
                    System.err.println("wrenn: shutting down");
                    platform.close();
                    stopped.countDown();
                }));
        banner.run();
        System.out.flush();
        stopped.await();
        return 0;
    }
}
