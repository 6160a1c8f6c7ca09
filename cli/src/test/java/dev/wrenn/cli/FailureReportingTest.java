package dev.wrenn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures the user meets (no key, no server, the API saying no, a URL that is not the API) are
 * one line on stderr with exit 1: never a stack trace. A fake API on loopback gives the answers.
 */
class FailureReportingTest {
    private static HttpServer api;
    private static String url;

    @BeforeAll
    static void startFakeApi() throws IOException {
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext(
                "/v1/sandboxes/gone",
                x -> answer(
                        x,
                        404,
                        "application/json",
                        "{\"error\":{\"code\":\"not_found\",\"message\":\"sandbox not found\"}}"));
        api.createContext(
                "/v1/sandboxes/behind-proxy",
                x -> answer(
                        x, 502, "text/html", "<html>\n  <body>\n    <h1>502 Bad Gateway</h1>\n  </body>\n</html>\n"));
        api.createContext(
                "/v1/sandboxes/not-the-api", x -> answer(x, 200, "text/html", "<html>\n<p>Welcome</p>\n</html>"));
        api.createContext(
                "/v1/sandboxes/sb-1/files/read", x -> answer(x, 200, "application/octet-stream", "file bytes"));
        api.start();
        url = "http://127.0.0.1:" + api.getAddress().getPort();
    }

    @AfterAll
    static void stopFakeApi() {
        api.stop(0);
    }

    @Test
    void noApiKey() {
        // Surefire removes WRENN_API_KEY from the environment (cli/pom.xml).
        var r = Cli.run("sandbox", "list", "--url", url);
        assertFailure(r, "wrenn: no API key: pass --api-key or set WRENN_API_KEY (create one with POST /v1/api-keys)");
    }

    @Test
    void serverUnreachable() throws IOException {
        int closedPort;
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String nowhere = "http://127.0.0.1:" + closedPort;
        var r = Cli.run("sandbox", "list", "--url", nowhere, "--api-key", "wrn_x");
        assertFailure(r, "wrenn: cannot reach " + nowhere + " (is `./wrenn server` running?)");
    }

    @Test
    void anApiErrorGivesTheServersMessage() {
        var r = Cli.run("sandbox", "get", "gone", "--url", url, "--api-key", "wrn_x");
        assertFailure(r, "wrenn: HTTP 404: sandbox not found (not_found)");
    }

    @Test
    void anErrorPageThatIsNotTheApisIsShownOnOneLine() {
        var r = Cli.run("sandbox", "get", "behind-proxy", "--url", url, "--api-key", "wrn_x");
        assertFailure(r, "wrenn: HTTP 502: <html> <body> <h1>502 Bad Gateway</h1> </body> </html>");
    }

    @Test
    void anAnswerThatIsNotJson() {
        var r = Cli.run("sandbox", "get", "not-the-api", "--url", url, "--api-key", "wrn_x");
        assertFailure(r, "wrenn: the answer from " + url + " is not JSON: <html> <p>Welcome</p> </html>");
    }

    @Test
    void anUnexpectedExceptionInACommandIsOneLineToo(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-dir").resolve("copy.txt");
        var r = Cli.run(
                "files",
                "get",
                "sb-1",
                "/root/f",
                missing.toString(),
                "--no-progress",
                "--url",
                url,
                "--api-key",
                "wrn_x");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines())
                .singleElement()
                .asString()
                .startsWith("wrenn: NoSuchFileException: " + missing.getParent());
    }

    private static void assertFailure(Cli.Result r, String line) {
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).containsExactly(line);
    }

    private static void answer(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getRequestBody().readAllBytes();
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, bytes.length);
        try (var out = x.getResponseBody()) {
            out.write(bytes);
        }
    }
}
