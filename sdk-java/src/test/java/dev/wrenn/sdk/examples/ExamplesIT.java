package dev.wrenn.sdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.TestServer;
import dev.wrenn.sdk.AuthException;
import dev.wrenn.sdk.BadRequestException;
import dev.wrenn.sdk.ConflictException;
import dev.wrenn.sdk.NotFoundException;
import dev.wrenn.sdk.ServerTimeoutException;
import dev.wrenn.sdk.User;
import dev.wrenn.sdk.Wrenn;
import dev.wrenn.sdk.code.CodeRun;
import dev.wrenn.sdk.process.Command;
import dev.wrenn.sdk.process.CommandResult;
import dev.wrenn.sdk.process.OutputHandler;
import dev.wrenn.sdk.process.ProcessStream;
import dev.wrenn.sdk.sandbox.CreateSandbox;
import dev.wrenn.sdk.sandbox.NetworkPolicy;
import dev.wrenn.sdk.sandbox.Sandbox;
import dev.wrenn.sdk.sandbox.SandboxInfo;
import dev.wrenn.sdk.sandbox.SandboxQuery;
import dev.wrenn.sdk.sandbox.SandboxStatus;
import dev.wrenn.sdk.template.BuildInfo;
import dev.wrenn.sdk.template.BuildRequest;
import dev.wrenn.sdk.template.BuildStatus;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK against a real server with real VMs, through the examples of docs/sdk-java.md (each is run here, and
 * {@code DocsExamplesTest} checks the docs show them verbatim), plus the error paths. One sandbox serves every
 * area; the templates step makes and destroys the others.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExamplesIT {
    /** The code interpreter of the guest image, started by hand in the shared sandbox (no template build). */
    static final String INTERPRETER = "read go && exec /opt/wrenn/jre/bin/java @/opt/wrenn/jvm.args -Xmx128m"
            + " -cp /opt/wrenn/guest-agent.jar:/opt/wrenn/code-interpreter.jar"
            + " dev.wrenn.codeinterpreter.CodeInterpreter";

    static TestServer server;
    static String apiKey;
    static Wrenn wrenn;
    static Sandbox sandbox;
    static ProcessStream interpreter;
    static final CompletableFuture<Void> interpreterReady = new CompletableFuture<>();
    static final StringBuffer interpreterLog = new StringBuffer();

    @BeforeAll
    static void start() {
        server = TestServer.withSandboxes(Map.of());
        var anonymous = server.client();
        apiKey = Accounts.apiKey(anonymous, Accounts.signUp(anonymous));
        wrenn = ClientExamples.builder(apiKey, server.baseUri().toString());
        sandbox = SandboxExamples.create(wrenn);
        // Its kernel takes a while to start under TCG: started now, used by the code step.
        var ci = sandbox.processes()
                .start(Command.shell(INTERPRETER)
                        .user(User.USER)
                        .cwd("/home/user")
                        .stdin(true)
                        .tag("code-interpreter")
                        .build());
        interpreter = ci.attach(OutputHandler.of(out -> {}, err -> {
            interpreterLog.append(err);
            if (interpreterLog.indexOf("listening on") >= 0) interpreterReady.complete(null);
        }));
        ci.sendStdin("go\n"); // attached first, so the line saying it listens cannot be missed
    }

    @AfterAll
    static void stop() {
        if (interpreter != null) interpreter.close();
        if (sandbox != null) sandbox.close();
        if (wrenn != null) wrenn.close();
        if (server != null) server.close();
    }

    @Test
    @Order(1)
    void theCreatedSandboxRunsWithItsOptions() {
        SandboxInfo info = sandbox.info();
        assertThat(info.status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(info.memoryMb()).isEqualTo(1024);
        assertThat(info.metadata()).containsEntry("suite", "sdk-docs");
        assertThat(info.ttlSec()).isEqualTo(1800);
        assertThat(info.endAt()).isNotNull();
        assertThat(sandbox.commands().run("echo $GREETING").stdout()).isEqualTo("hello\n");
        assertThat(wrenn.sandboxes().get(sandbox.id()).info().id()).isEqualTo(sandbox.id());
    }

    @Test
    @Order(2)
    void commandsRunWholeWithTheirOptionsTimeoutsAndAnyBytes() {
        CommandResult py = CommandExamples.run(sandbox);
        assertThat(py.stdout()).isEqualTo("/tmp test\n");
        assertThat(py.ok()).isTrue();
        assertThat(sandbox.commands().run("exit 7").exitCode()).isEqualTo(7);
        assertThat(sandbox.commands().run("id -un; echo oops >&2").stderr()).isEqualTo("oops\n");
        CommandResult binary = sandbox.commands().run("printf '\\377\\376'");
        assertThat(binary.stdoutBytes()).containsExactly(0xff, 0xfe);
        CommandResult slow = sandbox.commands()
                .run(Command.shell("sleep 20").timeout(Duration.ofSeconds(1)).build());
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.exitCode()).isEqualTo(-1);
    }

    @Test
    @Order(3)
    void commandsStreamToCallbacksAndIterators() {
        CommandResult streamed = CommandExamples.streamed(sandbox);
        assertThat(streamed.stdout()).isEqualTo("step 1\nstep 2\nstep 3\n");
        assertThat(streamed.stderr()).isEqualTo("done\n");
        assertThat(CommandExamples.iterated(sandbox)).isZero();

        var chunks = new CopyOnWriteArrayList<String>();
        var split = sandbox.commands()
                .run(
                        Command.shell("printf '\\303'; sleep 0.3; printf '\\251\\n'")
                                .build(),
                        OutputHandler.of(chunks::add, e -> {}));
        assertThat(String.join("", chunks))
                .as("a character split across chunks arrives whole")
                .isEqualTo("é\n");
        assertThat(split.stdout()).isEqualTo("é\n");

        var stopped = sandbox.commands()
                .run(Command.shell("sleep 30").timeout(Duration.ofSeconds(1)).build(), new OutputHandler() {});
        assertThat(stopped.timedOut()).isTrue();
        assertThat(stopped.exitCode()).as("SIGTERM").isEqualTo(143);
    }

    @Test
    @Order(4)
    void backgroundProcessesStartAttachTakeStdinAndEnd() {
        assertThat(ProcessExamples.background(sandbox)).isEqualTo(143);

        var p = sandbox.processes().start(Command.shell("exit 5").tag("short").build());
        assertThat(p.tag()).contains("short");
        assertThat(p.waitForExit()).isEqualTo(5);
        assertThat(p.info().running()).isFalse();
        assertThat(p.info().exitCode()).isEqualTo(5);

        var cat = sandbox.processes().start(Command.program("cat").stdin(true).build());
        try (var attached = cat.attach()) {
            attached.sendStdin(new byte[] {'a', (byte) 0xff, '\n'}, true); // over the socket, any bytes, then EOF
            var out = new ByteArrayOutputStream();
            for (var e : attached) {
                if (e instanceof dev.wrenn.sdk.process.ProcessEvent.Stdout o) out.writeBytes(o.data());
            }
            assertThat(out.toByteArray()).containsExactly('a', 0xff, '\n');
            assertThat(attached.waitForExit()).isZero();
        }

        var sleeper = sandbox.processes().start(Command.program("sleep", "300").build());
        assertThat(sandbox.processes().get(sleeper.pid()).running()).isTrue();
        try (var attached = sleeper.attach()) {
            attached.signal(dev.wrenn.sdk.process.Signal.SIGINT); // over the socket
            assertThat(attached.waitForExit()).isEqualTo(130);
        }
        assertThatThrownBy(() -> sandbox.processes().get(999_999))
                .isInstanceOfSatisfying(
                        NotFoundException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> sandbox.processes().process(999_999).attach()).isInstanceOf(NotFoundException.class);
    }

    @Test
    @Order(5)
    void aTerminalEchoesResizesAndExits() {
        String result = TerminalExamples.shell(sandbox);
        var screen = new StringBuilder();
        try (var terminal = sandbox.openTerminal(
                dev.wrenn.sdk.terminal.TerminalOptions.builder().user(User.USER).build())) {
            terminal.write("echo \"$(whoami)-$((40 + 2))\"; exit\n");
            for (var e : terminal) { // iterated instead of a callback
                if (e instanceof dev.wrenn.sdk.terminal.TerminalEvent.Output o) screen.append(new String(o.data()));
            }
            assertThat(terminal.waitForExit()).isZero();
        }
        assertThat(screen.toString()).contains("user-42");
        assertThat(result).startsWith("3:").contains("40 120");
    }

    @Test
    @Order(6)
    void filesMoveWholeStreamedAndThroughTheFileSystem(@TempDir Path tmp) throws Exception {
        assertThat(FileExamples.readWrite(sandbox)).isEqualTo("{\"debug\": true}15");

        Path local = tmp.resolve("local.txt");
        Files.writeString(local, "from the host");
        Path copy = tmp.resolve("copy.txt");
        assertThat(FileExamples.streams(sandbox, local, copy)).isEqualTo(4 * 1024 * 1024);
        assertThat(Files.readString(copy)).isEqualTo("from the host");

        var entries = FileExamples.filesystem(sandbox);
        assertThat(entries).extracting(e -> e.path()).contains("/work/out", "/work/out/b.txt");
        assertThat(sandbox.files().exists("/work")).isFalse();

        assertThat(FileExamples.watch(sandbox).name()).isEqualTo("new.txt");
        var seen = new CompletableFuture<String>();
        try (var w = sandbox.files().watch("/watched", true, e -> seen.complete(e.type() + " " + e.name()))) {
            sandbox.files().mkdir("/watched/sub");
            assertThat(seen.get(1, TimeUnit.MINUTES)).isEqualTo("CREATE sub");
        }

        assertThatThrownBy(() -> sandbox.files().stat("relative/path"))
                .isInstanceOfSatisfying(
                        BadRequestException.class, e -> assertThat(e.code()).isEqualTo("invalid_request"));
        assertThatThrownBy(() -> sandbox.files().read("/no/such/file"))
                .isInstanceOfSatisfying(
                        NotFoundException.class, e -> assertThat(e.code()).isEqualTo("file_not_found"));
        assertThatThrownBy(() -> sandbox.files().watch("/no/such/dir"))
                .isInstanceOfSatisfying(
                        NotFoundException.class, e -> assertThat(e.code()).isEqualTo("file_not_found"));
        assertThatThrownBy(() -> sandbox.files().mkdir("/watched"))
                .isInstanceOfSatisfying(
                        ConflictException.class, e -> assertThat(e.code()).isEqualTo("conflict"));
        sandbox.files().as(User.USER).mkdir("/home/user/mine");
        assertThat(sandbox.files().stat("/home/user/mine").owner()).isEqualTo("user");
    }

    @Test
    @Order(7)
    void sandboxesAreListedFilteredAndPagedAndBadCallsAreTyped() {
        assertThat(SandboxExamples.list(wrenn)).extracting(SandboxInfo::id).containsExactly(sandbox.id());
        var page = wrenn.sandboxes().page(SandboxQuery.builder().limit(1).build());
        assertThat(page.sandboxes()).hasSize(1);
        assertThat(wrenn.sandboxes()
                        .list(SandboxQuery.builder().metadata("suite", "other").build()))
                .isEmpty();
        sandbox.ping();

        assertThatThrownBy(() -> wrenn.sandboxes().get("sb-does-not-exist"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.code()).isEqualTo("not_found");
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("sb-does-not-exist");
                });
        assertThatThrownBy(() -> wrenn.sandboxes()
                        .create(CreateSandbox.builder().memoryMb(1).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_request");
                    assertThat(e.getMessage()).contains("memory_mb");
                });
        try (Wrenn stranger = Wrenn.builder()
                .apiKey("wrn_not-a-key")
                .baseUrl(server.baseUri())
                .build()) {
            assertThatThrownBy(() -> stranger.sandboxes().list())
                    .isInstanceOfSatisfying(
                            AuthException.class, e -> assertThat(e.status()).isEqualTo(401));
        }
        Awaitility.await("a metrics sample")
                .atMost(Duration.ofMinutes(1))
                .until(() -> !sandbox.metrics().isEmpty());
    }

    @Test
    @Order(10)
    void codeRunsInTheSandboxsInterpreter() throws Exception {
        try {
            interpreterReady.get(3, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the code interpreter did not start: " + interpreterLog, e);
        }
        var streamed = CodeExamples.runCode(sandbox);
        assertThat(streamed.text()).contains("43");
        assertThat(streamed.stdoutText()).isEqualTo("only-this-cell\n");
        assertThatThrownBy(() -> sandbox.code()
                        .run(CodeRun.builder("import time\ntime.sleep(30)")
                                .timeout(Duration.ofSeconds(1))
                                .build()))
                .isInstanceOfSatisfying(
                        ServerTimeoutException.class, e -> assertThat(e.code()).isEqualTo("execution_timeout"));
    }

    @Test
    @Order(11)
    void aPausedSandboxRefusesWorkUntilResumedAndKeepsItsState() {
        SandboxInfo after = SandboxExamples.lifecycle(wrenn, sandbox.id());
        assertThat(after.status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(after.ttlSec()).isEqualTo(3600);
        assertThat(sandbox.network().allowInternetAccess()).isFalse();
        assertThat(sandbox.setNetwork(NetworkPolicy.open()).allowInternetAccess())
                .isTrue();

        sandbox.pause();
        assertThatThrownBy(() -> sandbox.commands().run("true")).isInstanceOfSatisfying(ConflictException.class, e -> {
            assertThat(e.code()).isEqualTo("sandbox_not_running");
            assertThat(e.status()).isEqualTo(409);
        });
        assertThatThrownBy(() -> sandbox.commands().stream(Command.shell("true").build()))
                .isInstanceOfSatisfying(
                        ConflictException.class, e -> assertThat(e.code()).isEqualTo("sandbox_not_running"));
        assertThat(ErrorExamples.handle(sandbox)).as("the example resumes it").isEqualTo("try again");
        assertThat(ErrorExamples.handle(sandbox)).isNotBlank().doesNotContain("try again");
        sandbox.pause();
        var connected = wrenn.sandboxes().connect(sandbox.id(), Duration.ofHours(2));
        assertThat(connected.info().status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(connected.info().ttlSec()).isEqualTo(3600);
        assertThatThrownBy(sandbox::resume)
                .isInstanceOfSatisfying(
                        ConflictException.class, e -> assertThat(e.code()).isEqualTo("sandbox_not_paused"));
        assertThat(sandbox.runCode("x").text())
                .as("the kernel's state survived")
                .contains("42");
    }

    @Test
    @Order(8)
    void templatesAreBuiltSnapshottedUsedAndDeleted(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Dockerfile"), "FROM minimal\nWORKDIR /srv/app\nCOPY app/ ./\nRUN ./setup.sh\n");
        Files.createDirectories(dir.resolve("app"));
        Path setup = dir.resolve("app/setup.sh");
        Files.writeString(setup, "#!/bin/sh\necho built-by-recipe > /srv/app/built.txt\n");
        Files.setPosixFilePermissions(setup, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThatThrownBy(() -> wrenn.builds()
                        .start(BuildRequest.builder("broken")
                                .recipe("FROM minimal\nADD x y\n")
                                .build()))
                .isInstanceOfSatisfying(
                        BadRequestException.class, e -> assertThat(e.code()).isEqualTo("invalid_recipe"));
        BuildInfo cancelled = wrenn.builds()
                .start(BuildRequest.builder("sdk-cancel")
                        .recipe("FROM minimal\nRUN sleep 600\n")
                        .build());
        assertThat(wrenn.builds().cancel(cancelled.id()).status()).isEqualTo(BuildStatus.CANCELLED);
        assertThatThrownBy(() -> wrenn.builds().cancel(cancelled.id())).isInstanceOf(ConflictException.class);
        assertThat(wrenn.builds().waitFor(cancelled.id()).status()).isEqualTo(BuildStatus.CANCELLED);

        BuildInfo built = TemplateExamples.build(wrenn, dir);
        assertThat(built.status()).as(String.valueOf(built.error())).isEqualTo(BuildStatus.READY);
        assertThat(built.stepsRun()).isEqualTo(2);
        assertThat(wrenn.builds().list("myapp")).extracting(BuildInfo::id).containsExactly(built.id());

        Sandbox fromBuild = wrenn.sandboxes()
                .create(CreateSandbox.builder().template("myapp").build());
        try (fromBuild) {
            assertThat(fromBuild.files().readText("/srv/app/built.txt")).isEqualTo("built-by-recipe\n");
            assertThatThrownBy(() -> wrenn.templates().delete("myapp"))
                    .isInstanceOfSatisfying(
                            ConflictException.class, e -> assertThat(e.code()).isEqualTo("template_in_use"));
            assertThat(TemplateExamples.snapshot(wrenn, fromBuild)).isEqualTo("yes");
        }
        assertThat(wrenn.templates().list())
                .extracting(t -> t.name())
                .contains("minimal", "myapp")
                .doesNotContain("app-ready");
        BuildInfo again = wrenn.builds().rebuild("myapp", false);
        assertThat(wrenn.builds().waitFor(again.id()).stepsCached())
                .as("nothing changed: every layer cached")
                .isEqualTo(2);
        assertThat(wrenn.templates().list(dev.wrenn.sdk.template.TemplateType.SNAPSHOT))
                .extracting(t -> t.name())
                .contains("myapp")
                .doesNotContain("minimal");
        wrenn.templates().delete("myapp");
        assertThatThrownBy(() -> wrenn.templates().delete("myapp")).isInstanceOf(NotFoundException.class);
        assertOnlyTheSharedSandboxRuns();
    }

    @Test
    @Order(9)
    void theQuickStartRunsAsAProgramAndItsSandboxIsGoneAfter() throws Exception {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), QuickStart.class.getName());
        pb.environment().put("WRENN_API_KEY", apiKey);
        pb.environment().put("WRENN_URL", server.baseUri().toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        var out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed).contains("Hello from ").endsWith("42\n");
        assertOnlyTheSharedSandboxRuns();
    }

    @Test
    @Order(12)
    void closingTheClientEndsItsStreamsSocketsAndThreads() throws Exception {
        long before = httpClientThreads();
        var client = Wrenn.builder().apiKey(apiKey).baseUrl(server.baseUri()).build();
        var same = client.sandboxes().get(sandbox.id());
        var watch = same.files().watch("/tmp", false, e -> {});
        var stream = same.commands().stream(Command.shell("sleep 600").build());
        InputStream file = same.files().readStream("/etc/hostname");
        Awaitility.await("the streamed command runs")
                .atMost(Duration.ofMinutes(1))
                .until(() -> sleeping(true));
        assertThat(httpClientThreads()).isGreaterThan(before);

        client.close();
        assertThat(watch.isDone()).isTrue();
        assertThatThrownBy(stream::waitForExit)
                .as("a reader of a stream cut off before its exit is told so")
                .isInstanceOf(dev.wrenn.sdk.StreamException.class);
        assertThatThrownBy(file::read).isInstanceOf(java.io.IOException.class);
        assertThat(httpClientThreads()).isEqualTo(before);
        Awaitility.await("its socket's end stops the command")
                .atMost(Duration.ofMinutes(1))
                .until(() -> sleeping(false));
    }

    static boolean sleeping(boolean expected) {
        boolean found =
                sandbox.processes().list().stream().anyMatch(p -> p.args().contains("sleep 600"));
        return found == expected;
    }

    static long httpClientThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("HttpClient-"))
                .count();
    }

    /** Every other sandbox this team made was destroyed by its try-with-resources (or its snapshot). */
    static void assertOnlyTheSharedSandboxRuns() {
        List<SandboxInfo> all = wrenn.sandboxes().list();
        assertThat(all)
                .filteredOn(s -> !s.id().equals(sandbox.id()))
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.status()).as(s.id()).isEqualTo(SandboxStatus.STOPPED));
    }
}
