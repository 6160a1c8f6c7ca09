package dev.wrenn.hostagent;

import dev.wrenn.hostagent.vm.AccelProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Standalone host agent: {@code HostAgentMain [--port N] [--proxy-port N] [--data-dir DIR] [--image-dir DIR]
 * [--prefix wrn-] [--slot-cidr 10.214.0.0/16] [--accel auto|kvm|tcg] [--memory-budget-mb N] [--ready-timeout-ms N]
 * [--bind ADDR]}. Runs until SIGTERM/SIGINT, then destroys its sandboxes.
 */
public final class HostAgentMain {
    private HostAgentMain() {}

    public static void main(String[] args) throws Exception {
        // The library jar ships no logback.xml (an embedding CLI brings its own); standalone uses ours.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "host-agent-logback.xml");
        }
        HostAgentConfig cfg = HostAgentConfig.defaults();
        boolean imageDirSet = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println(
                        "usage: host-agent [--port N] [--proxy-port N] [--data-dir DIR] [--image-dir DIR] [--prefix P-]"
                                + " [--slot-cidr CIDR] [--accel auto|kvm|tcg] [--memory-budget-mb N]"
                                + " [--ready-timeout-ms N] [--bind ADDR]");
                return;
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException("missing value for " + a);
            String v = args[++i];
            cfg = switch (a) {
                case "--port" -> cfg.withPort(Integer.parseInt(v));
                case "--proxy-port" -> cfg.withProxyPort(Integer.parseInt(v));
                case "--data-dir" -> {
                    HostAgentConfig c = cfg.withDataDir(Path.of(v));
                    yield imageDirSet ? c : c.withImageDir(Path.of(v).resolve("images"));
                }
                case "--image-dir" -> {
                    imageDirSet = true;
                    yield cfg.withImageDir(Path.of(v));
                }
                case "--prefix" -> cfg.withNetwork(v, cfg.slotCidr());
                case "--slot-cidr" -> cfg.withNetwork(cfg.prefix(), v);
                case "--accel" -> cfg.withAccel(AccelProbe.Mode.valueOf(v.toUpperCase(Locale.ROOT)));
                case "--memory-budget-mb" -> cfg.withMemoryBudgetMb(Long.parseLong(v));
                case "--ready-timeout-ms" -> cfg.withReadyTimeout(Duration.ofMillis(Long.parseLong(v)));
                case "--bind" -> cfg.withBindAddress(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            };
        }
        HostAgent agent = HostAgent.start(cfg);
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "host-agent-shutdown"));
        // Tests and wrappers wait for this line.
        System.out.println("host-agent listening on port " + agent.port());
        System.out.println("host-agent sandbox proxy listening on port " + agent.proxyPort());
        System.out.flush();
        agent.awaitTermination();
    }
}
