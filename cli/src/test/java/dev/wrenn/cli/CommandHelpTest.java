package dev.wrenn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** {@code --help} works for every command the real tree has, whatever is added to it later. */
class CommandHelpTest {
    @TestFactory
    Stream<DynamicTest> everyCommandPrintsItsUsage() {
        return Cli.walk().stream()
                .map(node -> DynamicTest.dynamicTest(node + " --help", () -> {
                    var r = Cli.run(node.argsWith("--help"));
                    assertThat(r.err()).as("%s: stderr", node).isEmpty();
                    assertThat(r.exitCode()).as("%s: exit code", node).isZero();
                    // `help` has a header line above its usage.
                    assertThat(r.out().lines())
                            .as("%s: usage", node)
                            .anyMatch(l -> l.startsWith("Usage: " + node.name() + " "));
                }));
    }

    /** Guards the walk itself: it reaches the leaves, aliases included, not just the root. */
    @Test
    void theWalkReachesEveryLevel() {
        var paths = Cli.walk().stream().map(Cli.Node::toString).toList();
        assertThat(paths)
                .contains(
                        "wrenn",
                        "wrenn agent",
                        "wrenn server",
                        "wrenn quickstart",
                        "wrenn help",
                        "wrenn sandbox exec",
                        "wrenn run-code",
                        "wrenn sandbox ls",
                        "wrenn files get",
                        "wrenn template rm");
    }

    @Test
    void versionWorksOnSubcommandsToo() {
        var r = Cli.run("sandbox", "list", "-V");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out().strip()).isEqualTo("wrenn 0.1.0");
    }
}
