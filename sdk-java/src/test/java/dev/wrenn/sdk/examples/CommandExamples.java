package dev.wrenn.sdk.examples;

import dev.wrenn.sdk.User;
import dev.wrenn.sdk.process.Command;
import dev.wrenn.sdk.process.CommandResult;
import dev.wrenn.sdk.process.CommandStream;
import dev.wrenn.sdk.process.OutputHandler;
import dev.wrenn.sdk.process.ProcessEvent;
import dev.wrenn.sdk.sandbox.Sandbox;
import java.time.Duration;

final class CommandExamples {
    private CommandExamples() {}

    static CommandResult run(Sandbox sandbox) {
        // docs:begin run
        CommandResult ls = sandbox.commands().run("ls / | wc -l"); // a shell command line
        System.out.println(ls.stdout().strip() + " entries, exit code " + ls.exitCode());

        CommandResult py = sandbox.commands()
                .run(Command.program("python3", "-c", "import os; print(os.getcwd(), os.environ['MODE'])")
                        .env("MODE", "test")
                        .cwd("/tmp")
                        .user(User.USER)
                        .timeout(Duration.ofSeconds(10)) // killed, and timedOut(), past it
                        .build());
        System.out.println(py.stdout()); // /tmp test
        // docs:end run
        return py;
    }

    static CommandResult streamed(Sandbox sandbox) {
        // docs:begin stream-callbacks
        CommandResult result = sandbox.commands()
                .run(
                        Command.shell("for i in 1 2 3; do echo step $i; sleep 0.2; done; echo done >&2")
                                .build(),
                        OutputHandler.of(
                                out -> System.out.print("out: " + out), // as each chunk arrives
                                err -> System.out.print("err: " + err)));
        System.out.println("exit " + result.exitCode()); // the whole output is in result too
        // docs:end stream-callbacks
        return result;
    }

    static int iterated(Sandbox sandbox) {
        // docs:begin stream-iterator
        try (CommandStream stream = sandbox.commands().stream(
                Command.shell("read name; echo hi $name").build())) {
            stream.sendStdin("wrenn\n");
            stream.closeStdin();
            for (ProcessEvent event : stream) {
                switch (event) {
                    case ProcessEvent.Started s -> System.out.println("pid " + s.pid());
                    case ProcessEvent.Stdout out -> System.out.print(out.text()); // hi wrenn
                    case ProcessEvent.Exited exit -> System.out.println("exit " + exit.exitCode());
                    default -> {}
                }
            }
            return stream.waitForExit();
        } // closing a stream early stops the command
        // docs:end stream-iterator
    }
}
