package dev.wrenn.controlplane.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Debian's chromium (scripts/install-deps.sh), headless, driven by Playwright for Java without any browser download:
 * the test runs offline like every other. Pages it opens record uncaught script errors, which a test must not have.
 */
final class Chromium implements AutoCloseable {
    static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
    /** Where the screenshots go: docs/dashboard/ of the checkout (the docs and the README show them). */
    static final Path SHOTS = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .resolve("../docs/dashboard")
            .normalize();

    private final Playwright playwright;
    private final Browser browser;
    final List<String> scriptErrors = new CopyOnWriteArrayList<>();

    private Chromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    static Chromium launch() {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException(
                    EXECUTABLE + " is missing: run scripts/install-deps.sh (Debian's chromium)");
        }
        var playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            var browser = playwright
                    .chromium()
                    .launch(new BrowserType.LaunchOptions()
                            .setExecutablePath(EXECUTABLE)
                            .setHeadless(true)
                            .setArgs(List.of(
                                    "--no-sandbox",
                                    "--disable-gpu",
                                    "--disable-background-networking",
                                    "--disable-component-update",
                                    "--disable-sync",
                                    "--no-first-run")));
            return new Chromium(playwright, browser);
        } catch (RuntimeException e) {
            playwright.close();
            throw e;
        }
    }

    /** A fresh browser profile (no cache, no storage) of the given window size, allowed to use the clipboard. */
    BrowserContext context(int width, int height) {
        var context = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(width, height)
                .setAcceptDownloads(true)
                .setLocale("en-GB")
                .setTimezoneId("UTC"));
        context.grantPermissions(List.of("clipboard-read", "clipboard-write"));
        context.onPage(this::watch);
        return context;
    }

    private void watch(Page page) {
        page.onPageError(e -> scriptErrors.add(page.url() + ": " + e));
        page.setDefaultTimeout(120_000);
    }

    /** Saves a screenshot of the whole page as docs/dashboard/{name}.png. */
    static void shot(Page page, String name) {
        shot(page, name, true);
    }

    /** Only what the window shows: a modal dialog's backdrop covers the window, not the whole page. */
    static void shotOfWindow(Page page, String name) {
        shot(page, name, false);
    }

    private static void shot(Page page, String name, boolean fullPage) {
        try {
            Files.createDirectories(SHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path file = SHOTS.resolve(name + ".png");
        page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(fullPage));
        assertThat(file).isNotEmptyFile();
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            playwright.close();
        }
    }
}
