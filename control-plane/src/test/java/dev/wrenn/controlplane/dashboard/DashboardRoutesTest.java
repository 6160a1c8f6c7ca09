package dev.wrenn.controlplane.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.config.ControlPlaneConfig;
import dev.wrenn.controlplane.http.HttpApp;
import dev.wrenn.controlplane.metrics.HttpMetrics;
import io.javalin.Javalin;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard's routes in the server's real HTTP shell (no database needed): files, the app's pages, the rest. */
class DashboardRoutesTest {
    static Javalin app;
    static URI base;
    static final HttpClient http = HttpClient.newHttpClient();
    static final byte[] INDEX = new DashboardAssets().index().bytes();

    @BeforeAll
    static void start() {
        var config = ControlPlaneConfig.from(Map.of("WRENN_HOST", "127.0.0.1", "WRENN_PORT", "0"));
        app = HttpApp.create(config, new HttpMetrics(), null, routes -> new DashboardRoutes().register(routes));
        app.start("127.0.0.1", 0);
        base = URI.create("http://127.0.0.1:" + app.port());
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(base.resolve(path));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Jetty writes the type without the space after the semicolon. */
    static String type(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Type").orElse("").replace(" ", "");
    }

    static byte[] inflate(byte[] gz) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    @Test
    void theAppsPagesAllLoadIndexHtml() throws Exception {
        for (var path : new String[] {
            "/",
            "/ui",
            "/ui/login",
            "/ui/sandboxes/sb-abc123",
            "/ui/templates/builds/bld_x",
            "/auth/github/callback?token=abc&user_id=u&team_id=t&email=a%40b.c",
            "/auth/github/callback?error=email_taken"
        }) {
            var r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(type(r)).as(path).isEqualTo("text/html;charset=utf-8");
            assertThat(r.body()).as(path).isEqualTo(INDEX);
        }
    }

    @Test
    void theHtmlCarriesItsSecurityHeaders() throws Exception {
        var r = get("/ui/keys");
        assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'self'")
                .contains("script-src 'self';")
                .contains("frame-ancestors 'none'");
        assertThat(r.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }

    @Test
    void filesAreGzippedWhenTakenAndPlainWhenNot() throws Exception {
        var plain = get("/ui/app.js");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(type(plain)).isEqualTo("text/javascript;charset=utf-8");
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();

        var gz = get("/ui/app.js", "Accept-Encoding", "gzip, deflate, br");
        assertThat(gz.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(gz.headers().firstValue("Vary")).contains("Accept-Encoding");
        assertThat(inflate(gz.body())).isEqualTo(plain.body());
        assertThat(gz.body().length).isLessThan(plain.body().length);

        var xterm = get("/ui/vendor/xterm/lib/xterm.mjs", "Accept-Encoding", "gzip");
        assertThat(xterm.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(new String(inflate(xterm.body()), java.nio.charset.StandardCharsets.UTF_8))
                .contains("export{");
    }

    @Test
    void anUnchangedFileIsA304WithoutABody() throws Exception {
        var first = get("/ui/app.css");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(first.headers().firstValue("Cache-Control")).contains("no-cache");
        var again = get("/ui/app.css", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(get("/ui/app.css", "If-None-Match", "\"other\"").statusCode())
                .isEqualTo(200);
        assertThat(get("/ui/app.css", "If-None-Match", "\"x\", W/" + etag).statusCode())
                .isEqualTo(304);
        assertThat(get("/", "If-None-Match", etag).statusCode()).isEqualTo(200);
    }

    @Test
    void aMissingFileIsA404InTheEnvelopeAndNeverThePage() throws Exception {
        for (var path : new String[] {"/ui/nope.js", "/ui/pages/missing.css", "/ui/vendor/xterm/LICENSE.md"}) {
            var r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type")).as(path).contains("application/json");
            assertThat(new String(r.body())).as(path).contains("\"code\":\"not_found\"");
        }
    }

    @Test
    void otherPathsKeepTheirApiAnswers() throws Exception {
        for (var path : new String[] {"/v1/nothing", "/nothing-here", "/v1/sandboxes/x/ui"}) {
            var r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(new String(r.body())).as(path).startsWith("{\"error\"");
        }
        var post = http.send(
                HttpRequest.newBuilder(base.resolve("/ui/login"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void onlyTheLastSegmentDecidesBetweenFileAndPage() {
        assertThat(DashboardRoutes.isFile("app.js")).isTrue();
        assertThat(DashboardRoutes.isFile("vendor/xterm/LICENSE")).isTrue();
        assertThat(DashboardRoutes.isFile("sandboxes/sb-1")).isFalse();
        assertThat(DashboardRoutes.isFile("v1.2/sandboxes")).isFalse();
    }
}
