package dev.wrenn.sdk.http;

import dev.wrenn.sdk.ConnectionException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The lines of an NDJSON answer as they arrive, one JSON object each. A line in the API's error envelope (how a
 * stream that had begun reports a failure) is thrown as the error of its class.
 */
public final class NdjsonReader implements AutoCloseable {
    private final InputStream in;
    private final BufferedReader lines;

    public NdjsonReader(InputStream in) {
        this.in = in;
        this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** The next object, or null at the end of the answer. */
    public JsonNode next() {
        try {
            while (true) {
                String line = lines.readLine();
                if (line == null) return null;
                if (line.isBlank()) continue;
                JsonNode node = Json.tree(line);
                JsonNode error = node.get("error");
                if (node.size() == 1 && error != null && error.isObject() && error.has("code")) {
                    throw ApiErrors.fromCode(
                            error.path("code").asString(), error.path("message").asString(""));
                }
                return node;
            }
        } catch (IOException e) {
            throw new ConnectionException("reading a stream failed: " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new dev.wrenn.sdk.StreamException("the stream held a line that is not JSON", e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // the answer is abandoned either way
        }
    }
}
