package dev.wrenn.cli;

import dev.wrenn.hostagent.HostAgentMain;
import dev.wrenn.hostagent.vm.AccelProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wrenn agent}: a standalone host agent, for a control plane on another machine or process.
 * The options are declared here, so that picocli gives them help and checks their values, and are
 * handed on to {@link HostAgentMain}; only the ones given are passed, so the defaults stay the agent's.
 */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = {
            "Run a host agent (gRPC) that runs this machine's microVMs.",
            "Stop with Ctrl-C: its sandboxes are destroyed. Listening beyond loopback needs WRENN_HOST_AGENT_TOKEN."
        })
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "N", description = "gRPC port; 0 picks a free one (default 50051).")
    Integer port;

    @Option(
            names = "--proxy-port",
            paramLabel = "N",
            description = "Port of the sandbox proxy the control plane sends guest traffic to (default 50052).")
    Integer proxyPort;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address to listen on (default 127.0.0.1).")
    String bind;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Agent state (env WRENN_DATA_DIR, default ~/.wrenn).")
    Path dataDir;

    @Option(names = "--image-dir", paramLabel = "DIR", description = "Guest images (default <data-dir>/images).")
    Path imageDir;

    @Option(names = "--accel", paramLabel = "MODE", description = "auto, kvm or tcg (default auto).")
    AccelProbe.Mode accel;

    @Option(
            names = "--memory-budget-mb",
            paramLabel = "N",
            description = "Guest memory all sandboxes together may use (default 3/4 of the host's).")
    Long memoryBudgetMb;

    @Option(
            names = "--ready-timeout-ms",
            paramLabel = "N",
            description = "How long a new VM's guest agent may take to answer (default 300000).")
    Long readyTimeoutMs;

    @Option(
            names = "--slot-cidr",
            paramLabel = "CIDR",
            description = "Private range for network slots (default 10.214.0.0/16).")
    String slotCidr;

    @Option(names = "--prefix", paramLabel = "P-", description = "Name prefix of every host resource (default wrn-).")
    String prefix;

    @Override
    public Integer call() throws Exception {
        HostAgentMain.main(arguments().toArray(String[]::new));
        return 0;
    }

    /** The given options in {@link HostAgentMain}'s syntax. */
    List<String> arguments() {
        var args = new ArrayList<String>();
        add(args, "--port", port);
        add(args, "--proxy-port", proxyPort);
        add(args, "--bind", bind);
        add(args, "--data-dir", dataDir);
        add(args, "--image-dir", imageDir);
        add(args, "--accel", accel == null ? null : accel.name().toLowerCase(Locale.ROOT));
        add(args, "--memory-budget-mb", memoryBudgetMb);
        add(args, "--ready-timeout-ms", readyTimeoutMs);
        add(args, "--slot-cidr", slotCidr);
        add(args, "--prefix", prefix);
        return args;
    }

    private static void add(List<String> args, String name, Object value) {
        if (value == null) return;
        args.add(name);
        args.add(value.toString());
    }
}
