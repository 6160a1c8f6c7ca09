package dev.wrenn.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code wrenn run-code ID [CODE]}: runs a cell in the sandbox's code interpreter through
 * {@code POST /v1/sandboxes/{id}/code} and prints its output as the cell runs (the streamed answer), so a long
 * cell shows its progress. Interrupting the CLI closes the stream, which interrupts the cell in the sandbox.
 */
@Command(
        name = "run-code",
        mixinStandardHelpOptions = true,
        description = {
            "Run code in a sandbox's code interpreter and print its output as it runs.",
            "Needs a code interpreter on port 49999 (template code-interpreter-v1).",
            "Variables and imports stay in the context from one run to the next.",
            "The code is CODE, or standard input when CODE is absent or -. Prints what",
            "the code writes, then the value of its last expression; exits 1 if it raises.",
            "  wrenn run-code ID 'import math; math.pi'",
            "  wrenn run-code ID < analysis.py",
            "  wrenn run-code ID --save-images plots < plot.py"
        })
public final class RunCodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions api;

    @Option(
            names = "--language",
            paramLabel = "L",
            description = "Run in this language's default context (default: python).")
    String language;

    @Option(
            names = "--context",
            paramLabel = "CONTEXT",
            description = "Run in this context, an id the code interpreter gave (not with --language).")
    String context;

    @Option(
            names = "--env",
            paramLabel = "K=V",
            description = "An environment variable for this run only (repeatable).")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "Interrupt the code after this many seconds, 1 to 3600 (default: the server's, 300).")
    Integer timeoutSec;

    @Option(
            names = "--save-images",
            paramLabel = "DIR",
            description = "Write image results (png, jpeg, svg) to DIR as result-N.FORMAT and print the paths.")
    Path imageDir;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "CODE",
            description = "The code; absent or -: read it from standard input.")
    String code;

    @Override
    public Integer call() throws IOException {
        // Checked before anything is read or sent: the server would refuse both, but only after stdin was read.
        if (language != null && context != null) {
            throw new ParameterException(
                    spec.commandLine(), "give --language or --context, not both: a context has its language");
        }
        if (api.json && imageDir != null) {
            throw new ParameterException(
                    spec.commandLine(), "--save-images is for the printed output; with --json the images are in it");
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("code", code == null || code.equals("-") ? stdin() : code);
        if (language != null) body.put("language", language);
        if (context != null) body.put("context_id", context);
        if (!env.isEmpty()) body.put("env_vars", env);
        if (timeoutSec != null) body.put("timeout_sec", timeoutSec);
        var client = api.client();
        String path = "/v1/sandboxes/" + ProcessCommands.enc(id) + "/code";
        if (api.json) {
            // The whole execution as one object, as the API gives it; a cell that raised is still a success here.
            SandboxCommand.out().println(client.postJson(path, body));
            return 0;
        }
        var r = client.postForStream(path + "?stream=true", body);
        try (InputStream events = r.body()) {
            return new CodeOutput(System.out, System.err, imageDir).follow(events);
        }
    }

    private static String stdin() throws IOException {
        // Without this a forgotten CODE looks like a hang.
        var console = System.console();
        if (console != null && console.isTerminal()) System.err.println("wrenn: reading the code; end it with Ctrl-D");
        return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
