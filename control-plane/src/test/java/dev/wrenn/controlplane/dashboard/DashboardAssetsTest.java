package dev.wrenn.controlplane.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class DashboardAssetsTest {
    final DashboardAssets assets = new DashboardAssets();

    @Test
    void theBuildPutTheAppAndTheTerminalOnTheClassPath() {
        assertThat(assets.index().contentType()).isEqualTo("text/html; charset=utf-8");
        for (var path : List.of(
                "app.js",
                "app.css",
                "pages/sandbox/terminal.js",
                "vendor/xterm/lib/xterm.mjs",
                "vendor/xterm/css/xterm.css",
                "vendor/addon-fit/lib/addon-fit.mjs",
                "vendor/xterm/LICENSE")) {
            assertThat(assets.find(path)).as(path).isPresent();
        }
        assertThat(assets.find("vendor/xterm/lib/xterm.mjs").orElseThrow().contentType())
                .isEqualTo("text/javascript; charset=utf-8");
        assertThat(assets.find("vendor/xterm/LICENSE").orElseThrow().contentType())
                .startsWith("text/plain");
    }

    @Test
    void pathsThatClimbHideOrAreOddFindNothing() {
        for (var path : List.of(
                "../api/openapi.yaml",
                "pages/../app.js",
                ".hidden",
                "pages/.x.js",
                "/app.js",
                "pages//app.js",
                "",
                "app.js/",
                "a\\b.js",
                "app.js%00")) {
            assertThat(assets.find(path)).as(path).isEmpty();
        }
        assertThat(assets.find(null)).isEmpty();
        assertThat(assets.find("no-such-file.js")).isEmpty();
    }

    @Test
    void theGzipCopyInflatesToTheFileAndTheTagFollowsTheContent() throws IOException {
        var app = assets.find("app.js").orElseThrow();
        try (var in = new GZIPInputStream(new ByteArrayInputStream(app.gzip()))) {
            assertThat(in.readAllBytes()).isEqualTo(app.bytes());
        }
        assertThat(app.gzip().length).isLessThan(app.bytes().length);
        assertThat(app.etag()).matches("\"[0-9a-f]{24}\"");
        assertThat(assets.find("app.css").orElseThrow().etag()).isNotEqualTo(app.etag());
        assertThat(assets.find("app.js")).containsSame(app);
    }

    @Test
    void contentTypes() {
        assertThat(DashboardAssets.contentType("a/b.css")).isEqualTo("text/css; charset=utf-8");
        assertThat(DashboardAssets.contentType("favicon.svg")).isEqualTo("image/svg+xml");
        assertThat(DashboardAssets.contentType("x.weird")).isEqualTo("application/octet-stream");
        assertThat(DashboardAssets.contentType("d.ir/LICENSE")).startsWith("text/plain");
    }

    private static final Pattern REFERENCE = Pattern.compile("(?:src|href)=\"(/ui/[^\"]+)\"");
    private static final Pattern STATIC_IMPORT = Pattern.compile(
            "^\\s*(?:import|export)\\s[^;]*?from\\s*'([^']+)'|^\\s*import\\s*'([^']+)'", Pattern.MULTILINE);
    private static final Pattern CSS_URL = Pattern.compile("url\\(\"?(/ui/[^\")]+)\"?\\)");

    /**
     * The first page is index.html and everything it loads before any dynamic import(): its stylesheet, icon,
     * the entry module and that module's static imports, all the way down. The terminal (xterm.js) is imported
     * dynamically on the sandbox page only, so it is not part of it.
     */
    @Test
    void theFirstPageIsFarUnder200KiBCompressed() {
        Set<String> seen = new LinkedHashSet<>();
        var todo = new java.util.ArrayDeque<String>();
        var index = new String(assets.index().bytes(), StandardCharsets.UTF_8);
        REFERENCE.matcher(index).results().forEach(m -> todo.add(m.group(1).substring("/ui/".length())));
        long total = assets.index().gzip().length;
        while (!todo.isEmpty()) {
            String path = todo.poll();
            if (!seen.add(path)) continue;
            var asset = assets.find(path).orElseThrow(() -> new AssertionError("referenced but missing: " + path));
            total += asset.gzip().length;
            String text = new String(asset.bytes(), StandardCharsets.UTF_8);
            if (path.endsWith(".js")) {
                var base = URI.create("/ui/" + path);
                STATIC_IMPORT.matcher(text).results().forEach(m -> {
                    String ref = m.group(1) != null ? m.group(1) : m.group(2);
                    todo.add(base.resolve(ref).getPath().substring("/ui/".length()));
                });
            } else if (path.endsWith(".css")) {
                CSS_URL.matcher(text).results().forEach(m -> todo.add(m.group(1).substring("/ui/".length())));
            }
        }
        System.out.printf("dashboard first page: %d files, %d bytes gzip-compressed%n", seen.size() + 1, total);
        assertThat(seen).contains("app.js", "app.css", "pages/login.js", "lib/api.js");
        assertThat(seen).noneMatch(p -> p.startsWith("vendor/"));
        assertThat(total).isLessThan(200 * 1024);
    }
}
