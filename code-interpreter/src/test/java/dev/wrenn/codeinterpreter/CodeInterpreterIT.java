package dev.wrenn.codeinterpreter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on an ephemeral port against the host's real ipykernel (scripts/install-deps.sh installs it, with
 * matplotlib and pandas), spoken to over HTTP as E2B's SDKs speak to it.
 */
class CodeInterpreterIT {
    static final String PYTHON = System.getProperty("wrenn.ci.python", "/usr/bin/python3");

    @TempDir
    static Path home;

    static CodeInterpreter server;
    static Api api;
    static final List<Long> kernelPids = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = CodeInterpreter.start(Config.fromEnv(Map.of(
                "WRENN_CI_PORT", "0",
                "WRENN_CI_BIND", "127.0.0.1",
                "WRENN_CI_PYTHON", PYTHON,
                "WRENN_CI_CWD", home.toString(),
                "WRENN_CI_KEEPALIVE_MS", "300")));
        api = new Api(server.port());
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
        if (server == null) return;
        server.contexts().list().forEach(c -> kernelPids.add(c.kernelPid()));
        server.close();
        // Every kernel is reaped when the server stops, not left to notice its parent is gone.
        for (long pid : kernelPids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("kernel %d after close", pid)
                    .isFalse();
        }
    }

    @Test
    void healthAnswersOk() throws Exception {
        HttpResponse<String> r = api.send(api.request("/health").GET());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("\"OK\"");
    }

    @Test
    void printGivesStdoutAndTheStreamEndsWithTheMarker() throws Exception {
        HttpResponse<String> r = api.post("/execute", "{\"code\":\"print('hi')\"}");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        Api.Run run = Api.Run.parse(r.body());
        assertThat(run.stdout()).isEqualTo("hi\n");
        assertThat(run.ofType("stdout").getFirst().get("timestamp")).asString().contains("T");
        assertThat(run.ofType("number_of_executions"))
                .singleElement()
                .satisfies(e -> assertThat(e.get("execution_count")).isInstanceOf(Long.class));
        assertThat(run.events().getLast()).isEqualTo(Map.of("type", "end_of_execution"));
        assertThat(run.failed()).isFalse();
    }

    @Test
    void anExpressionGivesTheMainResult() throws Exception {
        Map<String, Object> result = api.execute("1+1").mainResult();
        assertThat(result).containsEntry("text", "2").containsEntry("is_main_result", true);
        assertThat(api.execute("'quoted'").text()).isEqualTo("quoted");
    }

    @Test
    void anExceptionGivesAnErrorWithNameValueAndTraceback() throws Exception {
        Api.Run run = api.execute("def f():\n    raise ValueError('boom')\nf()");
        assertThat(run.error()).containsEntry("name", "ValueError").containsEntry("value", "boom");
        assertThat((String) run.error().get("traceback")).contains("Traceback", "ValueError", "boom");
        assertThat(run.events().getLast()).containsEntry("type", "end_of_execution");
        // The failed cell does not make the next one fail (stop_on_error aborts only what was queued behind it).
        assertThat(api.execute("3").text()).isEqualTo("3");
    }

    @Test
    void stateLastsWithinAContextAndANewContextStartsEmpty() throws Exception {
        String a = api.createContext("{}");
        String b = api.createContext("{\"language\":\"python\"}");
        api.execute("x = 41", a);
        assertThat(api.execute("x + 1", a).text()).isEqualTo("42");
        assertThat(api.execute("x", b).errorName()).isEqualTo("NameError");
        assertThat(api.execute("x", null).errorName()).as("the default context").isEqualTo("NameError");
    }

    @Test
    void restartClearsStateUnderTheSameId() throws Exception {
        String id = api.createContext("{}");
        api.execute("z = 1", id);
        HttpResponse<String> r = api.post("/contexts/" + id + "/restart", "");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(api.execute("z", id).errorName()).isEqualTo("NameError");
        assertThat(api.execute("z = 2; z", id).text()).isEqualTo("2");
        assertThat(api.post("/contexts/nope/restart", "").statusCode()).isEqualTo(404);
    }

    @Test
    void contextsAreListedWithTheirCwdAndDeleted() throws Exception {
        Path dir = Files.createDirectory(home.resolve("work"));
        HttpResponse<String> created = api.post("/contexts", "{\"language\":\"Python\",\"cwd\":\"" + dir + "\"}");
        assertThat(created.statusCode()).isEqualTo(200);
        Map<String, Object> context = Api.map(created.body());
        String id = (String) context.get("id");
        assertThat(context).containsEntry("language", "python").containsEntry("cwd", dir.toString());
        assertThat(api.execute("import os; os.getcwd()", id).text()).isEqualTo(dir.toString());

        assertThat(api.send(api.request("/contexts").GET()).body()).contains(id, "\"language\":\"python\"");
        HttpResponse<String> deleted = api.send(api.request("/contexts/" + id).DELETE());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(api.send(api.request("/contexts").GET()).body()).doesNotContain(id);

        HttpResponse<String> gone = api.post("/execute", "{\"code\":\"1\",\"context_id\":\"" + id + "\"}");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.body()).isEqualTo("Context " + id + " not found");
        assertThat(api.send(api.request("/contexts/" + id).DELETE()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void envVarsAreSetForThatExecutionOnly() throws Exception {
        String id = api.createContext("{}");
        api.execute("import os, subprocess; os.environ['WRENN_IT_KEPT'] = 'before'", id);
        Api.Run with = api.execute(
                "print(os.environ['WRENN_IT_VAR'], os.environ['WRENN_IT_KEPT'])\n"
                        + "print(subprocess.run(['sh', '-c', 'echo child $WRENN_IT_VAR'],"
                        + " capture_output=True, text=True).stdout, end='')",
                id,
                Map.of("WRENN_IT_VAR", "it's \"here\"", "WRENN_IT_KEPT", "during"));
        assertThat(with.stdout()).isEqualTo("it's \"here\" during\nchild it's \"here\"\n");
        Api.Run after = api.execute("print(os.environ.get('WRENN_IT_VAR'), os.environ['WRENN_IT_KEPT'])", id);
        assertThat(after.stdout()).isEqualTo("None before\n");
    }

    @Test
    void aMatplotlibFigureComesBackAsAPng() throws Exception {
        Api.Run run = api.execute("import matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()");
        assertThat(run.failed()).as("%s", run.events()).isFalse();
        Map<String, Object> figure = run.ofType("result").stream()
                .filter(e -> e.containsKey("png"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no png in " + run.events()));
        assertThat(figure).containsEntry("is_main_result", false);
        byte[] png = Base64.getMimeDecoder().decode((String) figure.get("png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(api.execute("import matplotlib; matplotlib.get_backend()").text())
                .isEqualTo("module://matplotlib_inline.backend_inline");
    }

    @Test
    void aDataFrameComesBackAsHtml() throws Exception {
        Map<String, Object> result = api.execute("import pandas as pd\npd.DataFrame({'a': [1, 2], 'b': ['x', 'y']})")
                .mainResult();
        assertThat((String) result.get("html")).contains("<table", "<th>a</th>");
        assertThat((String) result.get("text")).contains("a", "b");
    }

    @Test
    void aClientThatLeavesHasItsCellInterrupted() throws Exception {
        String id = api.createContext("{}");
        try (var leaving = HttpClient.newHttpClient()) {
            HttpResponse<InputStream> r = leaving.send(
                    api.request("/execute")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"code\":\"import time\\nprint('sleeping', flush=True)\\ntime.sleep(60)\","
                                            + "\"context_id\":\"" + id + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            var lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null && !line.contains("sleeping")) {
                // until the cell is known to run
            }
            assertThat(line).as("the cell started").isNotNull();
            r.body().close();
            leaving.shutdownNow();
        }
        long t0 = System.nanoTime();
        Api.Run next = api.execute("print('after')", id);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(next.stdout()).isEqualTo("after\n");
        assertThat(ms).as("ms until the next cell in the context ran").isLessThan(10_000);
    }

    @Test
    void aKernelThatDiesIsReportedAndReplacedForTheNextCell() throws Exception {
        String id = api.createContext("{}");
        Api.Run died = api.execute("import os; os._exit(3)", id);
        assertThat(died.errorName()).isEqualTo("KernelExited");
        assertThat(api.execute("print('again')", id).stdout()).isEqualTo("again\n");
    }

    @Test
    void badInputIsAnsweredInTheShapesOfE2bsServer() throws Exception {
        HttpResponse<String> badJson = api.post("/execute", "{\"code\":");
        assertThat(badJson.statusCode()).isEqualTo(422);
        assertThat(badJson.body()).contains("\"detail\":[", "json_invalid");

        HttpResponse<String> noCode = api.post("/execute", "{}");
        assertThat(noCode.statusCode()).isEqualTo(422);
        assertThat(noCode.body()).contains("\"loc\":[\"body\",\"code\"]", "Field required");

        HttpResponse<String> both =
                api.post("/execute", "{\"code\":\"1\",\"context_id\":\"a\",\"language\":\"python\"}");
        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(both.body()).isEqualTo("Only one of context_id or language can be provided");

        HttpResponse<String> unknown = api.post("/execute", "{\"code\":\"1\",\"context_id\":\"nope\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("Context nope not found");

        HttpResponse<String> r = api.post("/execute", "{\"code\":\"1\",\"language\":\"r\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("'r'", "not supported");
        assertThat(api.post("/contexts", "{\"language\":\"js\"}").body()).contains("'javascript'");
        assertThat(api.post("/contexts", "{\"cwd\":\"/no/such/dir\"}").statusCode())
                .isEqualTo(400);

        assertThat(api.execute("1", null).text()).isEqualTo("1");
        assertThat(Api.Run.parse(api.post("/execute", "{\"code\":\"2\",\"language\":\"python\"}")
                                .body())
                        .text())
                .isEqualTo("2");

        HttpResponse<String> route = api.send(api.request("/nothing").GET());
        assertThat(route.statusCode()).isEqualTo(404);
        assertThat(route.body()).isEqualTo("{\"detail\":\"Not Found\"}");
        assertThat(api.send(api.request("/execute").GET()).statusCode()).isEqualTo(405);
    }
}
