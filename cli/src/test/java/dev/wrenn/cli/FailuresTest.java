package dev.wrenn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.cli.client.CliException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** How a failed command is reported: one line, and a stack trace only when asked for. */
class FailuresTest {
    private final StringWriter err = new StringWriter();

    private int report(boolean stackTraces, Exception e) {
        var cli = Wrenn.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return new Failures(stackTraces).handleExecutionException(e, cli, null);
    }

    @Test
    void aCliExceptionIsItsMessageAndItsExitCode() {
        assertThat(report(false, new CliException("no such sandbox", 3))).isEqualTo(3);
        assertThat(err.toString()).isEqualTo("wrenn: no such sandbox" + System.lineSeparator());
    }

    @Test
    void otherExceptionsNameTheirType() {
        assertThat(report(false, new NoSuchFileException("/x/y"))).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly("wrenn: NoSuchFileException: /x/y");
    }

    @Test
    void aMessageOverSeveralLinesBecomesOne() {
        report(false, new RuntimeException("Unexpected character ('<')\n at [Source: (byte[]); line: 1]"));
        assertThat(err.toString().lines())
                .containsExactly("wrenn: RuntimeException: Unexpected character ('<') at [Source: (byte[]); line: 1]");
    }

    @Test
    void anExceptionWithoutAMessageIsItsType() {
        report(false, new NullPointerException());
        assertThat(err.toString().lines()).containsExactly("wrenn: NullPointerException");
    }

    @Test
    void stackTracesOnlyWhenAskedFor() {
        report(true, new IllegalStateException("boom"));
        var lines = err.toString().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(lines).anyMatch(l -> l.contains("at dev.wrenn.cli.FailuresTest.stackTracesOnlyWhenAskedFor"));
        assertThat(lines.getLast()).isEqualTo("wrenn: boom");
    }
}
