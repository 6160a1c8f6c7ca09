package dev.wrenn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Command lines the CLI cannot run exit 2 with one line on stderr that names what was wrong and
 * points at the help of the command at fault; nothing on stdout, so scripts never mistake it for output.
 */
class UsageErrorTest {
    @TestFactory
    Stream<DynamicTest> anUnknownCommandUnderEveryGroupFails() {
        return groups().flatMap(group -> Stream.of(
                DynamicTest.dynamicTest(
                        group + " nosuch", () -> assertUnknownCommand(group, Cli.run(group.argsWith("nosuch")))),
                // picocli alone prints the group's help and exits 0 here.
                DynamicTest.dynamicTest(
                        group + " nosuch --help",
                        () -> assertUnknownCommand(group, Cli.run(group.argsWith("nosuch", "--help"))))));
    }

    @TestFactory
    Stream<DynamicTest> everyGroupWithoutACommandPrintsItsUsageAsAnError() {
        return groups().map(group -> DynamicTest.dynamicTest(group.toString(), () -> {
            var r = Cli.run(group.argsWith());
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.errLines().getFirst())
                    .isEqualTo("wrenn: missing command for '" + group.name() + "'; see '" + group.name() + " --help'");
            assertThat(r.err()).contains("Usage: " + group.name() + " ").contains("Commands:");
        }));
    }

    @Test
    void anUnknownOption() {
        assertOneLine(Cli.run("sandbox", "list", "--bogus"), "Unknown option: '--bogus'", "wrenn sandbox list");
    }

    @Test
    void aValueOfTheWrongType() {
        assertOneLine(
                Cli.run("sandbox", "create", "--vcpus", "two"),
                "'--vcpus': 'two' is not an int",
                "wrenn sandbox create");
        assertOneLine(Cli.run("agent", "--accel", "fast"), "'--accel'", "wrenn agent");
    }

    @Test
    void aMissingParameter() {
        assertOneLine(Cli.run("sandbox", "get"), "Missing required parameter: 'ID'", "wrenn sandbox get");
    }

    @Test
    void runCodesArgumentsAndOptions() {
        assertOneLine(Cli.run("run-code"), "Missing required parameter: 'ID'", "wrenn run-code");
        assertOneLine(Cli.run("run-code", "sb", "1", "--env", "NOVALUE"), "KEY=VALUE", "wrenn run-code");
        assertOneLine(Cli.run("run-code", "sb", "1", "--timeout", "soon"), "'soon' is not an int", "wrenn run-code");
        assertOneLine(
                Cli.run("run-code", "sb", "1", "--language", "python", "--context", "c"),
                "give --language or --context, not both",
                "wrenn run-code");
    }

    @Test
    void anExtraArgumentIsNotHiddenByHelp() {
        assertOneLine(Cli.run("sandbox", "list", "extra", "--help"), "'extra'", "wrenn sandbox list");
    }

    @Test
    void helpForAnUnknownCommand() {
        assertOneLine(Cli.run("help", "nosuch"), "'nosuch'", "wrenn");
    }

    @Test
    void aUrlWithoutAScheme() {
        var r = Cli.run("sandbox", "list", "--url", "localhost:8080", "--api-key", "wrn_x");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines())
                .containsExactly("wrenn: the API URL must start with http:// or https://, got 'localhost:8080'");
    }

    private static Stream<Cli.Node> groups() {
        var groups = Cli.walk().stream().filter(Cli.Node::isGroup).toList();
        assertThat(groups)
                .extracting(Cli.Node::toString)
                .contains("wrenn", "wrenn sandbox", "wrenn files", "wrenn template");
        return groups.stream();
    }

    private static void assertUnknownCommand(Cli.Node group, Cli.Result r) {
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines())
                .singleElement()
                .asString()
                .startsWith("wrenn: unknown command 'nosuch' for '" + group.name() + "'")
                .endsWith("; see '" + group.name() + " --help'");
    }

    private static void assertOneLine(Cli.Result r, String names, String command) {
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines())
                .singleElement()
                .asString()
                .startsWith("wrenn: ")
                .contains(names)
                .endsWith("; see '" + command + " --help'");
    }
}
