package dev.wrenn.controlplane.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.Accounts;
import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.PythonScripts;
import dev.wrenn.controlplane.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Python SDK (sdk-python/) on one real server with real microVMs, run by Debian's own /usr/bin/python3: its
 * integration tests (every area of the API, its errors, the context manager's destroy) and every example that
 * docs/sdk-python.md shows, each process exiting 0 only if everything in it passed.
 *
 * <p>The integration tests boot once (a build) and clone the rest; meanwhile, on the other core, the two examples
 * that start from the base image boot, and {@code templates.py} rebuilds the tests' recipe from its cached layer.
 * {@code code_interpreter.py} follows the tests: it starts from the {@code code-interpreter-v1} the code
 * interpreter's tests leave the team.
 */
class PythonSdkIT {
    /** A hang guard, not a time limit under test: a run boots and saves sandboxes under emulation. */
    static final Duration LIMIT = Duration.ofMinutes(10);

    static final List<String> INTEGRATION = List.of(
            "tests.integration.test_templates",
            "tests.integration.test_sandboxes",
            "tests.integration.test_commands",
            "tests.integration.test_processes",
            "tests.integration.test_terminal",
            "tests.integration.test_files",
            "tests.integration.test_code");
    /** templates.py last: by then the tests' build has left the layer its recipe's step takes from the cache. */
    static final List<String> EXAMPLES_BESIDE_THE_TESTS = List.of("quickstart", "tour", "templates");

    static final List<String> EXAMPLES_AFTER_THE_TESTS = List.of("code_interpreter");

    static PythonScripts python;
    static TestServer server;
    static ApiClient api;
    static String apiKey;

    @BeforeAll
    static void start() {
        python = PythonScripts.locate(); // before any VM: a missing interpreter fails at once
        server = TestServer.withSandboxes(Map.of());
        var anon = server.client();
        apiKey = Accounts.apiKey(anon, Accounts.signUp(anon));
        api = anon.withApiKey(apiKey);
    }

    @AfterAll
    static void stop() {
        try {
            if (api != null) destroyLeftovers();
        } finally {
            if (server != null) server.close();
        }
    }

    /** A run that failed midway may leave sandboxes; the SDK's runs destroy theirs, this is the backstop. */
    static void destroyLeftovers() {
        var list = api.get("/v1/sandboxes");
        if (list.status() != 200) return;
        for (var s : list.json()) {
            if (!"stopped".equals(s.path("status").asString()))
                api.delete("/v1/sandboxes/" + s.path("id").asString());
        }
    }

    static Map<String, String> env() {
        return Map.of("WRENN_URL", server.baseUri().toString(), "WRENN_API_KEY", apiKey);
    }

    static PythonScripts.Run example(String name) {
        return python.run("example " + name, List.of("examples/" + name + ".py"), env(), LIMIT);
    }

    @Test
    void theIntegrationTestsAndEveryExamplePassOnRealSandboxes() {
        var args = new ArrayList<>(List.of("-m", "unittest", "-v"));
        args.addAll(INTEGRATION);
        var tests = CompletableFuture.supplyAsync(() -> python.run("sdk-python integration", args, env(), LIMIT));
        var runs = new ArrayList<PythonScripts.Run>();
        for (String name : EXAMPLES_BESIDE_THE_TESTS) runs.add(example(name));
        var integration = tests.join();
        runs.add(0, integration);
        for (String name : EXAMPLES_AFTER_THE_TESTS) runs.add(example(name));
        for (var run : runs) assertThat(run.passed()).as(run.describe()).isTrue();
    }
}
