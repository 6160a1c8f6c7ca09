package dev.wrenn.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code wrenn run-code} prints a cell's event stream: canned streams, as the API sends them. */
class CodeOutputTest {
    private static final String PNG = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1});
    private static final String END = "{\"type\":\"end_of_execution\"}\n";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void outputGoesWhereTheCodeWroteItAndTheMainResultEndsWithANewline() throws IOException {
        int code = follow(
                null,
                "{\"type\":\"number_of_executions\",\"execution_count\":3}",
                "{\"type\":\"stdout\",\"text\":\"hi\\n\",\"timestamp\":1}",
                "{\"type\":\"stdout\",\"text\":\"no newline \",\"timestamp\":2}",
                "",
                "{\"type\":\"stderr\",\"text\":\"warn\\n\",\"timestamp\":3}",
                "{\"type\":\"result\",\"is_main_result\":true,\"text\":\"42\",\"html\":\"<b>42</b>\",\"extra\":{}}",
                "{\"type\":\"some_future_type\"}",
                END);
        assertThat(code).isZero();
        assertThat(out()).isEqualTo("hi\nno newline \n42\n");
        assertThat(err()).isEqualTo("warn\n");
    }

    @Test
    void anExceptionGoesToStderrWithItsTracebackAndExitsOne() throws IOException {
        int code = follow(
                null,
                "{\"type\":\"error\",\"name\":\"ZeroDivisionError\",\"value\":\"division by zero\","
                        + "\"traceback\":\"Traceback (most recent call last):\\n  1/0\"}",
                END);
        assertThat(code).isEqualTo(1);
        assertThat(out()).isEmpty();
        assertThat(err()).isEqualTo("ZeroDivisionError: division by zero\nTraceback (most recent call last):\n  1/0\n");
    }

    @Test
    void imagesAreSummarizedWithoutSaveImages() throws IOException {
        follow(
                null,
                "{\"type\":\"result\",\"is_main_result\":false,\"text\":\"<Figure size 640x480>\",\"png\":\"" + PNG
                        + "\",\"extra\":{}}",
                "{\"type\":\"result\",\"is_main_result\":false,\"text\":\"shown\",\"extra\":{}}",
                "{\"type\":\"result\",\"is_main_result\":false,\"html\":\"<p>x</p>\",\"extra\":{}}",
                END);
        assertThat(out())
                .isEqualTo("[image/png result, 5 bytes; --save-images DIR writes it]\n"
                        + "shown\n"
                        + "[result as html; --json shows it]\n");
    }

    @Test
    void saveImagesWritesEachImageUnderTheResultsNumber(@TempDir Path dir) throws IOException {
        Path images = dir.resolve("plots");
        follow(
                images,
                "{\"type\":\"result\",\"is_main_result\":false,\"text\":\"t\",\"extra\":{}}",
                "{\"type\":\"result\",\"is_main_result\":true,\"text\":\"fig\",\"png\":\"" + PNG
                        + "\",\"svg\":\"<svg/>\",\"extra\":{}}",
                END);
        assertThat(Files.readAllBytes(images.resolve("result-2.png")))
                .isEqualTo(Base64.getDecoder().decode(PNG));
        assertThat(Files.readString(images.resolve("result-2.svg"))).isEqualTo("<svg/>");
        assertThat(out())
                .isEqualTo("t\n" + images.resolve("result-2.png") + "\n" + images.resolve("result-2.svg") + "\nfig\n");
    }

    @Test
    void anErrorEnvelopeInTheStreamIsAFailureWithTheServersMessage() {
        assertThatThrownBy(() -> follow(
                        null,
                        "{\"type\":\"stdout\",\"text\":\"working\\n\"}",
                        "{\"error\":{\"code\":\"execution_timeout\",\"message\":\"the code ran past timeout_sec\"}}"))
                .isInstanceOf(CliException.class)
                .hasMessage("the code ran past timeout_sec (execution_timeout)");
        assertThat(out()).isEqualTo("working\n");
    }

    @Test
    void aStreamThatStopsBeforeTheEndIsAFailure() {
        assertThatThrownBy(() -> follow(null, "{\"type\":\"stdout\",\"text\":\"par\"}"))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("broke off");
        assertThatThrownBy(() -> follow(null, "<html>"))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("not JSON");
    }

    private int follow(Path images, String... lines) throws IOException {
        var output = new CodeOutput(stream(out), stream(err), images);
        byte[] body = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        return output.follow(new ByteArrayInputStream(body));
    }

    private static PrintStream stream(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
