package dev.wrenn.sdk.examples;

import dev.wrenn.sdk.code.CodeRun;
import dev.wrenn.sdk.code.Execution;
import dev.wrenn.sdk.process.OutputHandler;
import dev.wrenn.sdk.sandbox.Sandbox;
import java.time.Duration;

final class CodeExamples {
    private CodeExamples() {}

    /** {@code sandbox} runs a code interpreter: in the docs, a sandbox of the template code-interpreter-v1. */
    static Execution runCode(Sandbox sandbox) {
        // docs:begin run-code
        Execution first = sandbox.runCode("x = 6 * 7\nprint('computing')\nx");
        System.out.println(first.text().orElseThrow()); // 42, the cell's value
        System.out.println(first.stdoutText()); // computing

        Execution failed = sandbox.runCode("x / 0"); // state stays: x is still 42
        failed.raised().ifPresent(e -> System.out.println(e.name() + ": " + e.value())); // ZeroDivisionError

        Execution streamed = sandbox.code()
                .run(
                        CodeRun.builder("import os\nprint(os.environ['TOKEN'])\nx + 1")
                                .envVar("TOKEN", "only-this-cell")
                                .timeout(Duration.ofSeconds(60))
                                .build(),
                        OutputHandler.of(System.out::print, System.err::print)); // as it prints
        // docs:end run-code
        if (failed.error() == null) throw new AssertionError("1/0 did not raise");
        return streamed;
    }
}
