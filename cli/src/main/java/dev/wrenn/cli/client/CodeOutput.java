package dev.wrenn.cli.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Prints the NDJSON events of a cell as {@code POST /v1/sandboxes/{id}/code?stream=true} sends them (E2B's
 * event types): what the code wrote goes to stdout and stderr as it comes, results as their text, images
 * saved to a directory or summarized in a line (a terminal cannot show them), the code's exception on stderr.
 */
final class CodeOutput {
    /** The image formats of a result, as E2B names them: png and jpeg in base64, svg as text. */
    private static final List<String> IMAGES = List.of("png", "jpeg", "svg");

    private final PrintStream out;
    private final PrintStream err;
    private final Path imageDir;
    private int results;
    private boolean raised;
    private boolean ended;
    /** The code's last stdout text did not end its line: a result printed now starts a line of its own. */
    private boolean midLine;

    /** {@code imageDir} null: images are summarized, not written. */
    CodeOutput(PrintStream out, PrintStream err, Path imageDir) {
        this.out = out;
        this.err = err;
        this.imageDir = imageDir;
    }

    /**
     * Follows the stream to its end; the exit code: 1 when the code raised, else 0. A failure the server reports
     * in the stream, or a stream that stops before the end of the execution, is a {@link CliException}.
     */
    int follow(InputStream body) throws IOException {
        var lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isBlank()) continue;
            JsonNode event;
            try {
                event = ApiClient.JSON.readTree(line);
            } catch (JacksonException e) {
                throw new CliException("the server sent a line that is not JSON: "
                        + ApiClient.preview(line.getBytes(StandardCharsets.UTF_8)));
            }
            accept(event);
        }
        // Cut off mid-cell (the server went away): what was printed may be only part of the output.
        if (!ended) throw new CliException("the answer broke off before the code finished running");
        return raised ? 1 : 0;
    }

    void accept(JsonNode event) throws IOException {
        if (!event.has("type") && event.path("error").isObject()) {
            // The server's error envelope: it failed after the answer had begun (e.g. execution_timeout).
            JsonNode e = event.path("error");
            String code = e.path("code").asString(null);
            throw new CliException(
                    e.path("message").asString("the server failed") + (code != null ? " (" + code + ")" : ""));
        }
        switch (event.path("type").asString("")) {
            // The texts carry their own newlines: a print() without end= must stay on its line.
            case "stdout" -> {
                String text = event.path("text").asString("");
                write(out, text);
                if (!text.isEmpty()) midLine = !text.endsWith("\n");
            }
            case "stderr" -> write(err, event.path("text").asString(""));
            case "result" -> result(event);
            case "error" -> error(event);
            case "end_of_execution" -> ended = true;
            default -> {
                // number_of_executions, and types newer than this CLI: nothing to show
            }
        }
    }

    private void result(JsonNode r) throws IOException {
        int n = ++results; // the result's place in the execution, as in the JSON answer's results (from 1)
        boolean main = r.path("is_main_result").asBoolean(false);
        boolean images = false;
        for (String format : IMAGES) {
            if (!r.path(format).isString()) continue;
            images = true;
            byte[] data = format.equals("svg")
                    ? r.path(format).asString().getBytes(StandardCharsets.UTF_8)
                    : decode(r.path(format).asString(), format);
            if (imageDir != null) {
                Files.createDirectories(imageDir);
                Path file = imageDir.resolve("result-" + n + "." + format);
                Files.write(file, data);
                line(out, file.toString());
            } else {
                String mime = format.equals("svg") ? "image/svg+xml" : "image/" + format;
                line(out, "[" + mime + " result, " + data.length + " bytes; --save-images DIR writes it]");
            }
        }
        boolean text = r.path("text").isString();
        // A display()ed figure's text is only "<Figure size 640x480 with 1 Axes>": its image said it all.
        if (text && (main || !images)) {
            line(out, r.path("text").asString());
        } else if (!text && !images) {
            var formats = new ArrayList<String>();
            for (var e : r.properties()) {
                boolean empty = e.getValue().isNull()
                        || e.getValue().isContainer() && e.getValue().isEmpty();
                if (!List.of("type", "is_main_result").contains(e.getKey()) && !empty) formats.add(e.getKey());
            }
            if (!formats.isEmpty()) line(out, "[result as " + String.join(", ", formats) + "; --json shows it]");
        }
    }

    /** The code raised: its exception in a line a script can grep, then Jupyter's traceback as it gave it. */
    private void error(JsonNode e) {
        raised = true;
        line(err, e.path("name").asString("Error") + ": " + e.path("value").asString(""));
        String traceback = e.path("traceback").asString("");
        if (!traceback.isBlank()) line(err, traceback);
    }

    private static byte[] decode(String base64, String format) {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new CliException("the " + format + " of a result is not base64: " + e.getMessage());
        }
    }

    private static void write(PrintStream stream, String text) {
        // Bytes, not print(String): the code's UTF-8 must not depend on the local terminal's charset.
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        stream.write(b, 0, b.length);
        stream.flush();
    }

    private void line(PrintStream stream, String text) {
        if (stream == out) {
            if (midLine) text = "\n" + text;
            midLine = false;
        }
        write(stream, text.endsWith("\n") ? text : text + "\n");
    }
}
