package dev.wrenn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.wrenn.hostagent.HostAgentMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/** {@code wrenn agent}'s options are declared for picocli and handed on to {@link HostAgentMain}. */
class AgentCommandTest {
    /** A valid value for each option; an option added without one here fails the test. */
    private static final Map<String, String> SAMPLES = Map.of(
            "--port", "0",
            "--proxy-port", "0",
            "--bind", "127.0.0.1",
            "--data-dir", "/tmp/wrenn-agent-test",
            "--image-dir", "/tmp/wrenn-agent-test/images",
            "--accel", "TCG",
            "--memory-budget-mb", "1024",
            "--ready-timeout-ms", "5000",
            "--slot-cidr", "10.99.0.0/16",
            "--prefix", "tst-");

    @Test
    void everyOptionIsForwardedInAFormTheHostAgentAccepts() throws Exception {
        var cli = Wrenn.commandLine();
        var agentCli = cli.getSubcommands().get("agent");
        var args = new ArrayList<>(List.of("agent"));
        for (OptionSpec o : agentCli.getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) continue;
            String value = SAMPLES.get(o.longestName());
            if (value == null)
                fail("no sample value for " + o.longestName() + " in "
                        + getClass().getSimpleName());
            args.add(o.longestName());
            args.add(value);
        }
        cli.parseArgs(args.toArray(String[]::new));
        List<String> forwarded = ((AgentCommand) agentCli.getCommand()).arguments();

        for (var sample : SAMPLES.entrySet()) {
            int at = forwarded.indexOf(sample.getKey());
            assertThat(at).as("%s forwarded", sample.getKey()).isNotNegative();
            assertThat(forwarded.get(at + 1)).isEqualToIgnoringCase(sample.getValue());
        }
        assertThat(forwarded).hasSize(2 * SAMPLES.size());

        // HostAgentMain reads options in order and stops at --help without starting anything, so it
        // returns only if it knows every forwarded option and accepts its value.
        forwarded.add("--help");
        var stdout = System.out;
        var printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true));
        try {
            HostAgentMain.main(forwarded.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
        }
        assertThat(printed.toString()).startsWith("usage: host-agent");
    }

    @Test
    void noOptionsForwardsNothingSoTheAgentKeepsItsDefaults() {
        var cli = Wrenn.commandLine();
        cli.parseArgs("agent");
        assertThat(((AgentCommand) cli.getSubcommands().get("agent").getCommand()).arguments())
                .isEmpty();
    }
}
