package dev.wrenn.controlplane;

import dev.wrenn.controlplane.config.ConfigException;
import dev.wrenn.controlplane.config.ControlPlaneConfig;
import java.util.concurrent.CountDownLatch;

/**
 * The control plane alone, configured from the environment, with sandboxes on the host agent at
 * {@code WRENN_HOST_AGENT}: for deployments where host agents run on other machines
 * ({@code ./wrenn agent} there). Runs until SIGTERM or Ctrl-C.
 */
public final class ControlPlaneMain {
    private ControlPlaneMain() {}

    public static void main(String[] args) throws InterruptedException {
        ControlPlane cp;
        try {
            cp = ControlPlane.start(ControlPlaneConfig.fromEnvironment());
        } catch (ConfigException e) {
            System.err.println("wrenn: " + e.getMessage());
            System.exit(2);
            return;
        }
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            cp.close();
                            stopped.countDown();
                        },
                        "control-plane-shutdown"));
        // Wrappers and tests wait for this line.
        System.out.println("control plane listening on port " + cp.port());
        System.out.flush();
        stopped.await();
    }
}
