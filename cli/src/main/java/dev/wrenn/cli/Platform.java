package dev.wrenn.cli;

import dev.wrenn.controlplane.ControlPlane;
import dev.wrenn.controlplane.config.ControlPlaneConfig;
import dev.wrenn.hostagent.HostAgent;
import dev.wrenn.hostagent.HostAgentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The single-node platform: a host agent on loopback and the control plane that uses it, under
 * one data dir. Closing stops the API first, then the agent (which destroys its VMs).
 */
final class Platform implements AutoCloseable {
    final HostAgent agent;
    final ControlPlane controlPlane;

    private Platform(HostAgent agent, ControlPlane controlPlane) {
        this.agent = agent;
        this.controlPlane = controlPlane;
    }

    static Platform start(ControlPlaneConfig config) throws IOException, InterruptedException {
        Path images = config.dataDir().resolve("images");
        ensureImage(images.resolve("minimal"));
        // Single-node: the agent's gRPC port is for this process only.
        var agentConfig = HostAgentConfig.defaults()
                .withDataDir(config.dataDir())
                .withImageDir(images)
                .withPort(0)
                // The control plane learns the proxy's port from the agent's Health answer.
                .withProxyPort(0)
                .withBindAddress("127.0.0.1")
                // The API's create timeout is the one a user set; the agent must not give up sooner.
                .withReadyTimeout(config.sandboxes().timeouts().create())
                // Even on loopback, only this process may drive the agent: a fresh secret per start.
                .withToken(newToken());
        var agent = HostAgent.start(agentConfig);
        try {
            var cp = ControlPlane.start(config.withHostAgent("127.0.0.1:" + agent.port(), agentConfig.token()));
            return new Platform(agent, cp);
        } catch (RuntimeException e) {
            // The agent may have adopted running sandboxes of a server that died: a start that fails
            // must leave them for the next one, not destroy them.
            agent.detach();
            throw e;
        }
    }

    private static String newToken() {
        byte[] b = new byte[32];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    /** Builds the guest image when it is missing, with the repository's builder. */
    static void ensureImage(Path dir) throws IOException, InterruptedException {
        if (Files.isRegularFile(dir.resolve("manifest.json"))) return;
        String home = System.getProperty("wrenn.home");
        if (home == null) {
            throw new IllegalStateException("guest image missing at " + dir + "; build it with `./wrenn image build`");
        }
        System.err.println("wrenn: guest image missing at " + dir + "; building it (a few minutes, once)");
        var p = new ProcessBuilder(Path.of(home, "guest-image", "build.sh").toString(), "--out", dir.toString())
                .inheritIO()
                .start();
        if (p.waitFor() != 0) throw new IllegalStateException("building the guest image failed");
    }

    @Override
    public void close() {
        try {
            controlPlane.close();
        } finally {
            agent.close();
        }
    }
}
