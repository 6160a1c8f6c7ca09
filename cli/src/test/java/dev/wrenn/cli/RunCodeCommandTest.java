package dev.wrenn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code wrenn run-code} against a fake API: the request it sends for each way of giving the code and the
 * options, and how it reports what comes back. The event printing itself is CodeOutputTest's.
 */
class RunCodeCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static HttpServer api;
    private static String url;
    private static final List<String> queries = new ArrayList<>();
    private static final List<JsonNode> bodies = new ArrayList<>();

    @BeforeAll
    static void startFakeApi() throws IOException {
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/v1/sandboxes/sb-1/code", x -> {
            queries.add(x.getRequestURI().getQuery());
            bodies.add(JSON.readTree(x.getRequestBody().readAllBytes()));
            boolean stream = "stream=true".equals(x.getRequestURI().getQuery());
            String answer = stream
                    ? "{\"type\":\"stdout\",\"text\":\"hi\\n\"}\n{\"type\":\"result\",\"is_main_result\":true,"
                            + "\"text\":\"42\",\"extra\":{}}\n{\"type\":\"end_of_execution\"}\n"
                    : "{\"results\":[],\"logs\":{\"stdout\":[],\"stderr\":[]},\"error\":null,\"execution_count\":1}";
            byte[] b = answer.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", stream ? "application/x-ndjson" : "application/json");
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        api.createContext("/v1/sandboxes/plain/code", x -> {
            byte[] b = ("{\"error\":{\"code\":\"conflict\",\"message\":\"sandbox 'plain' has no code interpreter"
                            + " answering on port 49999\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(409, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        api.start();
        url = "http://127.0.0.1:" + api.getAddress().getPort();
    }

    @AfterAll
    static void stopFakeApi() {
        api.stop(0);
    }

    @BeforeEach
    void clear() {
        queries.clear();
        bodies.clear();
    }

    @Test
    void streamsTheCodeGivenAsAnArgumentAndPrintsItsOutput() {
        var r = run("", "run-code", "sb-1", "print('hi')\n6*7");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("hi\n42\n");
        assertThat(queries).containsExactly("stream=true");
        assertThat(bodies.getFirst().toString()).isEqualTo("{\"code\":\"print('hi')\\n6*7\"}");
    }

    @Test
    void readsTheCodeFromStandardInputWhenItIsAbsentOrADash() {
        assertThat(run("x = 1\n", "run-code", "sb-1").code()).isZero();
        assertThat(run("y = 2\n", "run-code", "sb-1", "-").code()).isZero();
        assertThat(bodies).extracting(b -> b.get("code").asString()).containsExactly("x = 1\n", "y = 2\n");
    }

    @Test
    void optionsBecomeTheBodysFields() {
        var r = run(
                "", "run-code", "sb-1", "1", "--context", "ctx-1", "--env", "A=1", "--env", "B=x=y", "--timeout", "9");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(bodies.getFirst().toString())
                .isEqualTo("{\"code\":\"1\",\"context_id\":\"ctx-1\",\"env_vars\":{\"A\":\"1\",\"B\":\"x=y\"},"
                        + "\"timeout_sec\":9}");
        run("", "run-code", "sb-1", "1", "--language", "python");
        assertThat(bodies.getLast().get("language").asString()).isEqualTo("python");
    }

    @Test
    void jsonPrintsTheWholeExecutionUnstreamed() throws IOException {
        var r = run("", "run-code", "sb-1", "1", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(queries).singleElement().isNull();
        assertThat(JSON.readTree(r.out()).get("execution_count").asInt()).isEqualTo(1);
    }

    @Test
    void noCodeInterpreterIsAFailureNamingThePort() {
        var r = run("", "run-code", "plain", "1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList())
                .containsExactly("wrenn: HTTP 409: sandbox 'plain' has no code interpreter answering on port 49999"
                        + " (conflict)");
    }

    @Test
    void languageAndContextTogetherAreAUsageErrorBeforeAnythingIsSent() {
        var r = run("", "run-code", "sb-1", "1", "--language", "python", "--context", "c");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().toList())
                .containsExactly("wrenn: give --language or --context, not both: a context has its language;"
                        + " see 'wrenn run-code --help'");
        assertThat(bodies).isEmpty();
        var images = run("", "run-code", "sb-1", "1", "--json", "--save-images", "d");
        assertThat(images.code()).isEqualTo(2);
        assertThat(images.err()).contains("--save-images");
    }

    record Run(int code, String out, String err) {}

    /** The command in-process with stdin, stdout and stderr of its own: it writes to System's streams. */
    private static Run run(String stdin, String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", url, "--api-key", "wrn_x"));
        InputStream in = System.in;
        PrintStream out = System.out;
        PrintStream err = System.err;
        var outBytes = new ByteArrayOutputStream();
        var errBytes = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            var r = Cli.run(all.toArray(String[]::new));
            return new Run(
                    r.exitCode(),
                    outBytes.toString(StandardCharsets.UTF_8) + r.out(),
                    errBytes.toString(StandardCharsets.UTF_8) + r.err());
        } finally {
            System.setIn(in);
            System.setOut(out);
            System.setErr(err);
        }
    }
}
