package dev.wrenn.cli;

import dev.wrenn.hostagent.HostAgentMain;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code wrenn agent}: a standalone host agent, for a control plane on another machine or process. */
@Command(
        name = "agent",
        description = {
            "Run a host agent (gRPC) that runs this machine's microVMs.",
            "Options: --port N (default 50051), --bind ADDR, --data-dir DIR, --image-dir DIR, --accel auto|kvm|tcg,",
            "--memory-budget-mb N, --slot-cidr CIDR, --prefix P-. Stop with Ctrl-C: its sandboxes are destroyed."
        })
final class AgentCommand implements Callable<Integer> {
    @Unmatched List<String> args = List.of();

    @Override
    public Integer call() throws Exception {
        HostAgentMain.main(args.toArray(String[]::new));
        return 0;
    }
}
