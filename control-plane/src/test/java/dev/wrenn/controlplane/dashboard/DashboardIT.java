package dev.wrenn.controlplane.dashboard;

import static dev.wrenn.controlplane.dashboard.Chromium.shot;
import static dev.wrenn.controlplane.dashboard.Ui.button;
import static dev.wrenn.controlplane.dashboard.Ui.expect;
import static dev.wrenn.controlplane.dashboard.Ui.heading;
import static dev.wrenn.controlplane.dashboard.Ui.link;
import static dev.wrenn.controlplane.dashboard.Ui.nav;
import static dev.wrenn.controlplane.dashboard.Ui.tab;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import dev.wrenn.controlplane.auth.JwtService;
import dev.wrenn.controlplane.auth.oauth.FakeGitHub;
import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The web dashboard end to end, as a person uses it: Debian's chromium against a real server with real microVMs and
 * the local imitation of GitHub the OAuth tests use. One browser, one account, two sandboxes (the second one from the
 * template the first was saved as), steps in order; each page's screenshot goes to docs/dashboard/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
    static final String PASSWORD = "correct horse battery";
    static final String EMAIL = Accounts.uniqueEmail();
    static final String TOKEN = Long.toString(new Random().nextLong(1_000_000, 9_999_999));
    static final Pattern SANDBOX_PAGE = Pattern.compile(".*/ui/sandboxes/sb-[a-z0-9]+$");

    static FakeGitHub github;
    static TestServer server;
    static Chromium chromium;
    static BrowserContext context;
    static Page page;
    static String base;
    static String sandbox;
    static String template;
    static final byte[] UPLOAD = upload();

    @BeforeAll
    static void start() throws Exception {
        github = new FakeGitHub();
        int port = TestServer.freePort();
        base = "http://127.0.0.1:" + port;
        var settings = new HashMap<>(github.serverSettings());
        settings.put("WRENN_PORT", Integer.toString(port));
        // The login redirect lands on the dashboard this server serves, as in a real deployment.
        settings.put("CP_PUBLIC_URL", base);
        settings.put("OAUTH_REDIRECT_URL", base);
        settings.put("WRENN_METRICS_INTERVAL_SEC", "1");
        server = TestServer.withSandboxes(settings);
        chromium = Chromium.launch();
        context = chromium.context(1280, 800);
        page = context.newPage();
        PlaywrightAssertions.setDefaultAssertionTimeout(120_000);
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) chromium.close();
            if (server != null) destroyLeftovers();
        } finally {
            if (server != null) server.close();
            if (github != null) github.close();
        }
        assertThat(chromium == null ? List.of() : chromium.scriptErrors)
                .as("uncaught script errors")
                .isEmpty();
    }

    static byte[] upload() {
        var b = new byte[96 * 1024];
        new Random(7).nextBytes(b);
        return b;
    }

    @Test
    @Order(1)
    void firstPageIsSmallAndCompressed() {
        var fresh = chromium.context(1280, 800);
        try {
            var p = fresh.newPage();
            var sizes = new FirstPage();
            p.onResponse(sizes::add);
            p.navigate(base + "/");
            p.waitForURL("**/ui/login");
            expect(link(p, "Log in with GitHub")).isVisible();
            p.waitForLoadState(com.microsoft.playwright.options.LoadState.NETWORKIDLE);
            System.out.println("dashboard first page: " + sizes);
            assertThat(sizes.bytes()).as(sizes.toString()).isLessThan(200 * 1024);
            assertThat(sizes.uncompressedText())
                    .as("text files sent uncompressed")
                    .isEmpty();
            assertThat(sizes.urls()).noneMatch(u -> u.contains("/vendor/"));
            shot(p, "login");
        } finally {
            fresh.close();
        }
    }

    @Test
    @Order(2)
    void signUp() {
        page.navigate(base + "/ui/login");
        link(page, "Sign up").click();
        expect(heading(page)).hasText("Create your account");
        page.getByLabel("Email").fill(EMAIL);
        page.getByLabel("Password").fill("short");
        button(page, "Create account").click();
        expect(page.getByRole(AriaRole.ALERT)).containsText("at least 8 characters");
        page.getByLabel("Password").fill(PASSWORD);
        shot(page, "signup");
        button(page, "Create account").click();
        page.waitForURL("**/ui/sandboxes");
        expect(page.locator(".who")).hasText(EMAIL);
    }

    @Test
    @Order(3)
    void logOutThenWrongPasswordThenLogIn() {
        button(page, "Log out").click();
        page.waitForURL("**/ui/login?session=logout");
        expect(page.locator(".notice")).hasText("You have logged out.");
        page.getByLabel("Email").fill(EMAIL);
        page.getByLabel("Password").fill("not the password");
        button(page, "Log in").click();
        expect(page.getByRole(AriaRole.ALERT)).hasText("Wrong email or password.");
        expect(page.getByLabel("Password")).isFocused();
        shot(page, "login-error");
        page.getByLabel("Password").fill(PASSWORD);
        page.getByLabel("Password").press("Enter");
        page.waitForURL("**/ui/sandboxes");
        expect(page.locator(".who")).hasText(EMAIL);
    }

    @Test
    @Order(4)
    void gitHubLoginAndItsErrorPage() {
        String octo = Accounts.uniqueEmail();
        button(page, "Log out").click();
        github.nextUser(new FakeGitHub.User(4242, "octo-dash", octo, List.of()));
        link(page, "Log in with GitHub").click();
        page.waitForURL("**/ui/sandboxes");
        expect(page.locator(".who")).hasText(octo);
        // The token never stays in the address bar or the history entry the redirect made.
        assertThat(page.url()).doesNotContain("token");

        // The same email as a password account: the callback page says what the error code means.
        button(page, "Log out").click();
        github.nextUser(new FakeGitHub.User(4243, "octo-taken", EMAIL, List.of()));
        link(page, "Log in with GitHub").click();
        page.waitForURL("**/auth/github/callback");
        expect(heading(page)).hasText("GitHub login failed");
        expect(page.getByRole(AriaRole.ALERT)).containsText("already exists and uses a password");
        expect(page.locator("code")).hasText("email_taken");
        shot(page, "github-error");

        link(page, "Back to log in").click();
        page.getByLabel("Email").fill(EMAIL);
        page.getByLabel("Password").fill(PASSWORD);
        button(page, "Log in").click();
        page.waitForURL("**/ui/sandboxes");
    }

    @Test
    @Order(5)
    void createAnApiKeyShownOnceWithACopyButton() {
        nav(page, "API keys").click();
        expect(heading(page)).hasText("API keys");
        page.getByLabel("Name").fill("ci-runner");
        button(page, "Create key").click();
        var shown = page.getByLabel("New API key");
        expect(shown).hasValue(Pattern.compile("wrn_[0-9a-f]{48}"));
        String key = shown.inputValue();
        button(page, "Copy").click();
        expect(page.locator(".copied")).hasText("Copied to the clipboard.");
        assertThat(page.evaluate("() => navigator.clipboard.readText()")).isEqualTo(key);
        var row = page.locator("tbody tr", new Page.LocatorOptions().setHasText("ci-runner"));
        expect(row.locator("code")).hasText(Pattern.compile("^wrn_.*"));
        assertThat(key)
                .startsWith(row.locator("code").textContent().replace("...", "").replace("…", ""));
        shot(page, "keys");
        // A real key of the team: a program can use it.
        assertThat(server.client().withApiKey(key).get("/v1/sandboxes").status())
                .isEqualTo(200);
        button(page, "Done").click();
        page.reload();
        expect(row).isVisible();
        assertThat(page.content()).doesNotContain(key);
    }

    @Test
    @Order(6)
    void createASandboxFromTheFormAndSeeItListedRunning() {
        nav(page, "Sandboxes").click();
        link(page, "New sandbox").click();
        expect(page.getByLabel("Template")).hasValue("minimal");
        page.getByLabel("Memory (MiB)").fill("512");
        page.getByLabel("Key=value pairs").fill("suite=dashboard\nowner=" + TOKEN);
        shot(page, "new-sandbox");
        button(page, "Create sandbox").click();
        page.waitForURL(SANDBOX_PAGE);
        sandbox = page.url().substring(page.url().lastIndexOf('/') + 1);

        nav(page, "Sandboxes").click();
        var row = page.locator("tr[data-id='" + sandbox + "']");
        expect(row.locator(".badge")).hasText("running");
        expect(row).containsText("owner=" + TOKEN);
        // Filters: by metadata, then a status it does not have.
        page.getByLabel("Metadata").fill("owner=" + TOKEN);
        button(page, "Apply").click();
        expect(page.locator("tbody tr")).hasCount(1);
        shot(page, "sandboxes");
        page.getByLabel("Status").selectOption("paused");
        button(page, "Apply").click();
        expect(page.locator("tbody")).containsText("No sandboxes match");
        page.getByLabel("Status").selectOption("pending,running,paused");
        page.getByLabel("Metadata").fill("");
        button(page, "Apply").click();
        expect(row).isVisible();
    }

    @Test
    @Order(7)
    void narrowScreensGetOneColumnAndNoSidewaysScroll() {
        var phone = chromium.context(390, 844);
        try {
            Page p = Sessions.open(phone, page, base + "/ui/sandboxes");
            expect(heading(p)).hasText("Sandboxes");
            // Each row a card, each value labelled by its column.
            expect(p.locator("tr[data-id='" + sandbox + "'] [data-label='Status']"))
                    .containsText("running");
            assertThat(p.evaluate("() => document.documentElement.scrollWidth <= innerWidth"))
                    .isEqualTo(true);
            shot(p, "mobile");
        } finally {
            phone.close();
        }
    }

    @Test
    @Order(8)
    void terminalRunsWhatIsTyped() throws Exception {
        page.locator("a", new Page.LocatorOptions().setHasText(sandbox)).click();
        expect(heading(page)).hasText(sandbox);
        expect(page.locator(".status-line .badge")).hasText("running");
        expect(page.locator(".term-status")).containsText("shell running");
        page.locator(".term-box").click();
        page.keyboard().type("echo wrenn-$((6*7))-" + TOKEN);
        page.keyboard().press("Enter");
        // The shell's answer, not the echo of what was typed: only bash turns $((6*7)) into 42.
        page.waitForFunction(
                "t => [...document.querySelectorAll('.xterm-rows > div')].some(r => r.textContent.trim() === t)",
                "wrenn-42-" + TOKEN);
        // Two samples make a line: they arrive every second here.
        expect(page.locator(".metrics + .hint")).hasText(Pattern.compile("^([2-9]|\\d{2,}) samples.*"));
        expect(page.locator(".metric").first()).containsText("%");
        shot(page, "sandbox-terminal");
        // The server answers the offered subprotocol 'wrenn', never the one carrying the token.
        assertThat(Sockets.acceptedProtocol(base, sandbox, sessionToken())).isEqualTo("wrenn");
    }

    @Test
    @Order(9)
    void uploadAndDownloadAFile() throws Exception {
        var filesTab = tab(page, "Files");
        // Keyboard: arrow keys move between the tabs.
        tab(page, "Terminal").focus();
        page.keyboard().press("ArrowRight");
        expect(filesTab).hasAttribute("aria-selected", "true");
        expect(filesTab).isFocused();
        String name = "upload-" + TOKEN + ".bin";
        page.getByLabel("Upload a file to this folder")
                .setInputFiles(new FilePayload(name, "application/octet-stream", UPLOAD));
        button(page, "Upload").click();
        var row = page.locator("tbody tr", new Page.LocatorOptions().setHasText(name));
        expect(row).containsText("96 KiB");
        shot(page, "sandbox-files");
        var download = page.waitForDownload(
                () -> row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Download " + name))
                        .click());
        assertThat(download.suggestedFilename()).isEqualTo(name);
        assertThat(Files.readAllBytes(download.path())).isEqualTo(UPLOAD);
    }

    @Test
    @Order(10)
    void startWatchAndStopABackgroundProcess() {
        tab(page, "Processes").click();
        page.getByLabel("Command").fill("while true; do echo tick-$((20+3)); sleep 1; done");
        page.getByLabel("Tag").fill("ticker");
        button(page, "Start").click();
        var row = page.locator("tbody tr", new Page.LocatorOptions().setHasText("ticker"));
        expect(row).containsText("running");
        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(Pattern.compile("^Follow")))
                .click();
        expect(page.locator(".output")).containsText("tick-23");
        shot(page, "sandbox-processes");
        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(Pattern.compile("^Stop")))
                .click();
        expect(page.locator(".output")).containsText("[exited with code 143]");
        expect(row).hasCount(0);
    }

    @Test
    @Order(11)
    void pauseAndResumeWhileTheListFollowsLive() {
        // A second tab on the list: it must see the changes made in the first without a reload.
        Page list = Sessions.open(context, page, base + "/ui/sandboxes");
        var listed = list.locator("tr[data-id='" + sandbox + "'] .badge");
        expect(listed).hasText("running");

        button(page, "Pause").click();
        expect(page.locator(".status-line .badge")).hasText("paused");
        expect(page.locator(".work")).containsText("Resume it to use the terminal");
        expect(listed).hasText("paused");

        button(page, "Resume").click();
        expect(page.locator(".status-line .badge")).hasText("running");
        expect(listed).hasText("running");
        // The resumed sandbox has a new VM process: the terminal connects to it again.
        expect(page.locator(".term-status")).containsText("shell running");
        list.close();
    }

    @Test
    @Order(12)
    void saveAsTemplateAndSeeItInTemplates() {
        template = "dash-" + TOKEN;
        button(page, "Save as template").click();
        var dialog = page.getByRole(AriaRole.DIALOG);
        expect(dialog).isVisible();
        dialog.getByLabel("Template name").fill(template);
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save template"))
                .click();
        page.waitForURL("**/ui/templates");
        expect(page.locator(".notice")).containsText("saved as the template " + template);
        var row = page.locator("tr[data-name='" + template + "']");
        expect(row).containsText("snapshot");
        shot(page, "templates");
    }

    @Test
    @Order(13)
    void aSandboxFromTheTemplateThenDestroyIt() {
        var row = page.locator("tr[data-name='" + template + "']");
        row.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("New sandbox from " + template))
                .click();
        expect(page.getByLabel("Template")).hasValue(template);
        button(page, "Create sandbox").click();
        page.waitForURL(SANDBOX_PAGE);
        String second = page.url().substring(page.url().lastIndexOf('/') + 1);
        // The template holds what the first sandbox had: the uploaded file.
        tab(page, "Files").click();
        expect(page.locator("tbody")).containsText("upload-" + TOKEN + ".bin");

        var destroy = button(page, "Destroy");
        destroy.click();
        var dialog = page.getByRole(AriaRole.DIALOG);
        expect(dialog).containsText("Destroy this sandbox?");
        // Escape cancels and gives focus back to the button that opened the dialog.
        page.keyboard().press("Escape");
        expect(dialog).hasCount(0);
        expect(destroy).isFocused();
        destroy.click();
        Chromium.shotOfWindow(page, "destroy-dialog");
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Destroy sandbox"))
                .click();
        page.waitForURL("**/ui/sandboxes");
        expect(page.locator(".notice")).containsText(second + " was destroyed");
        expect(page.locator("tbody")).not().containsText(second);
        expect(page.locator(".updated")).containsText("Updated");
        sandbox = second;
    }

    @Test
    @Order(14)
    void theGoneSandboxPages() {
        page.navigate(base + "/ui/sandboxes/" + sandbox);
        expect(page.locator(".status-line .badge")).hasText("stopped");
        expect(page.locator(".work")).containsText("This sandbox has been destroyed");
        expect(button(page, "Destroy")).hasCount(0);
        page.navigate(base + "/ui/sandboxes/sb-doesnotexist0000");
        expect(heading(page)).hasText("Sandbox not found");
        shot(page, "sandbox-gone");
        page.navigate(base + "/ui/no-such-page");
        expect(heading(page)).hasText("Page not found");
    }

    @Test
    @Order(15)
    void buildATemplateAndFollowItsLog() {
        page.navigate(base + "/ui/templates");
        page.getByText("Build a template from a recipe").click();
        page.getByLabel("Template name").fill("built-" + TOKEN);
        page.getByLabel("Recipe").fill("FROM minimal\nRUN echo built-by-the-dashboard-" + TOKEN + "\n");
        button(page, "Start build").click();
        page.waitForURL(Pattern.compile(".*/ui/templates/builds/.+"));
        expect(page.getByRole(AriaRole.LOG)).containsText("built-by-the-dashboard-" + TOKEN);
        expect(page.locator(".status-line .badge")).hasText("ready");
        shot(page, "build");
    }

    @Test
    @Order(16)
    void theAuditLogShowsWhatTheUserDid() {
        nav(page, "Audit log").click();
        var created = page.locator("tbody tr", new Page.LocatorOptions().setHasText("sandbox created"));
        expect(created.first()).containsText("user");
        expect(page.locator("tbody")).containsText("api key created");
        shot(page, "audit");
    }

    @Test
    @Order(17)
    void anExpiredOrRefusedSessionSendsYouToLogin() {
        @SuppressWarnings("unchecked")
        var s = (Map<String, Object>) page.evaluate("() => JSON.parse(sessionStorage.getItem('wrenn.session'))");
        String user = (String) s.get("user_id");
        String team = (String) s.get("team_id");
        byte[] secret = TestServer.JWT_SECRET.getBytes(StandardCharsets.UTF_8);
        var sevenHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(7)), ZoneOffset.UTC);
        Sessions.replaceToken(page, new JwtService(secret, sevenHoursAgo).issue(user, team, EMAIL));
        page.navigate(base + "/ui/keys");
        page.waitForURL("**/ui/login?**");
        expect(page.locator(".notice")).hasText("Your session expired. Log in again to continue.");
        shot(page, "session-expired");

        // A token whose time is not up but that the server refuses (signed by someone else: revoked or forged).
        page.getByLabel("Email").fill(EMAIL);
        page.getByLabel("Password").fill(PASSWORD);
        button(page, "Log in").click();
        page.waitForURL("**/ui/keys");
        byte[] other = "another-secret-0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        Sessions.replaceToken(page, new JwtService(other, Clock.systemUTC()).issue(user, team, EMAIL));
        nav(page, "Sandboxes").click();
        page.waitForURL("**/ui/login?**");
        expect(page.locator(".notice")).containsText("no longer valid");
        page.getByLabel("Email").fill(EMAIL);
        page.getByLabel("Password").fill(PASSWORD);
        button(page, "Log in").click();
        page.waitForURL("**/ui/sandboxes");
    }

    /** Sandboxes a failed step left running (the steps destroy their own) go with the server. */
    static void destroyLeftovers() {
        var login = server.client()
                .post("/v1/auth/login", "{\"email\":\"" + EMAIL + "\",\"password\":\"" + PASSWORD + "\"}");
        if (login.status() != 200) return;
        var user = server.client().withBearer(login.json().get("token").asString());
        for (var s : user.get("/v1/sandboxes?status=pending,running,paused").json()) {
            user.delete("/v1/sandboxes/" + s.get("id").asString());
        }
    }

    static String sessionToken() {
        return (String) page.evaluate("() => JSON.parse(sessionStorage.getItem('wrenn.session')).token");
    }
}
