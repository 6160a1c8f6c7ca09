package dev.wrenn.controlplane.testing;

import dev.wrenn.hostagent.HostAgent;
import dev.wrenn.hostagent.HostAgentConfig;
import dev.wrenn.hostagent.sandbox.ImageCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One real host agent per test JVM, in process, running QEMU microVMs from the built guest image.
 * Its resource prefix and slot range are its own, so it never touches a developer's agent or the
 * host agent module's tests. A missing image fails the test with instructions; it never skips.
 */
public final class TestHostAgent {
    public static final String PREFIX = "wct-";
    public static final String CIDR = "10.216.0.0/16";
    /** The test agent requires a token, so every test also proves the control plane presents it. */
    public static final String TOKEN = "test-host-agent-token-" + java.util.UUID.randomUUID();

    private static HostAgent agent;

    private TestHostAgent() {}

    public static synchronized String address() {
        if (agent == null) {
            try {
                Path data = Files.createTempDirectory("wrenn-cp-agent");
                agent = HostAgent.start(HostAgentConfig.defaults()
                        .withPort(0)
                        .withProxyPort(0)
                        .withDataDir(data)
                        .withImageDir(ImageCatalog.configuredDefaultImage())
                        .withNetwork(PREFIX, CIDR)
                        .withToken(TOKEN)
                        // As long as the control plane's own create timeout: how fast this machine boots is not under
                        // test.
                        .withReadyTimeout(Duration.ofSeconds(300)));
                var a = agent;
                Runtime.getRuntime().addShutdownHook(new Thread(a::close));
            } catch (Exception e) {
                throw new IllegalStateException("could not start the test host agent", e);
            }
        }
        return "127.0.0.1:" + agent.port();
    }

    public static synchronized HostAgent agent() {
        address();
        return agent;
    }
}
