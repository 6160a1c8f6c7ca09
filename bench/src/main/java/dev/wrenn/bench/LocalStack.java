package dev.wrenn.bench;

import dev.wrenn.controlplane.ControlPlane;
import dev.wrenn.controlplane.config.ControlPlaneConfig;
import dev.wrenn.hostagent.HostAgent;
import dev.wrenn.hostagent.HostAgentConfig;
import dev.wrenn.hostagent.sandbox.ImageCatalog;
import dev.wrenn.hostagent.storage.DurableFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * A host agent and a control plane in this JVM, as {@code ./wrenn server} runs them: the agent's
 * secret made per start and presented by the control plane, a data dir of its own, removed on close.
 */
final class LocalStack implements AutoCloseable {
    final Path data;
    final HostAgent agent;
    final ControlPlane cp;
    final String token;

    LocalStack(String prefix, String cidr) throws Exception {
        Path images = ImageCatalog.configuredDir();
        ImageCatalog.configuredDefaultImage(); // a missing image fails here, saying where it looked
        data = Files.createTempDirectory("wrenn-bench-" + prefix);
        byte[] secret = new byte[16];
        new java.security.SecureRandom().nextBytes(secret);
        token = HexFormat.of().formatHex(secret);
        // A burst of TCG boots on a few cores takes far longer than one: give each the API's create timeout.
        agent = HostAgent.start(HostAgentConfig.defaults()
                .withDataDir(data)
                .withImageDir(images)
                .withPort(0)
                .withProxyPort(0)
                .withBindAddress("127.0.0.1")
                .withNetwork(prefix, cidr)
                .withToken(token)
                .withReadyTimeout(Duration.ofSeconds(300)));
        try {
            cp = ControlPlane.start(ControlPlaneConfig.from(Map.of(
                            "WRENN_HOST",
                            "127.0.0.1",
                            "WRENN_PORT",
                            "0",
                            "WRENN_DATA_DIR",
                            data.toString(),
                            // Benchmarks create VMs on the agent behind the API's back: keep the reconciler off them.
                            "WRENN_RECONCILE_INTERVAL_SEC",
                            "86400"))
                    .withHostAgent("127.0.0.1:" + agent.port(), Optional.of(token)));
        } catch (Exception e) {
            agent.close();
            throw e;
        }
    }

    URI api() {
        return URI.create("http://127.0.0.1:" + cp.port());
    }

    @Override
    public void close() throws Exception {
        try {
            cp.close();
            agent.close();
        } finally {
            DurableFiles.deleteTree(data);
        }
    }
}
