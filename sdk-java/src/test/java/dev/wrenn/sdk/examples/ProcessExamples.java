package dev.wrenn.sdk.examples;

import dev.wrenn.sdk.process.Command;
import dev.wrenn.sdk.process.OutputHandler;
import dev.wrenn.sdk.process.ProcessEvent;
import dev.wrenn.sdk.process.ProcessInfo;
import dev.wrenn.sdk.process.ProcessStream;
import dev.wrenn.sdk.process.SandboxProcess;
import dev.wrenn.sdk.process.Signal;
import dev.wrenn.sdk.sandbox.Sandbox;
import java.util.List;

final class ProcessExamples {
    private ProcessExamples() {}

    static int background(Sandbox sandbox) {
        // docs:begin processes
        SandboxProcess server = sandbox.processes()
                .start(Command.shell("python3 -m http.server 8000 --directory /tmp")
                        .tag("web")
                        .build());
        List<ProcessInfo> running = sandbox.processes().list(); // [ProcessInfo[pid=..., tag=web, ...]]

        SandboxProcess worker = sandbox.processes()
                .start(Command.shell("while read line; do echo got $line; done")
                        .stdin(true) // keep stdin open for sendStdin
                        .build());
        try (ProcessStream output = worker.attach()) { // its output from now on
            worker.sendStdin("one\n");
            for (ProcessEvent event : output) {
                if (event instanceof ProcessEvent.Stdout out) {
                    System.out.print(out.text()); // got one
                    break;
                }
            }
        } // detaches; the process runs on

        try (ProcessStream attached = worker.attach(OutputHandler.of(System.out::print, System.err::print))) {
            worker.sendStdin("two\n"); // printed by the callback: got two
            worker.closeStdin(); // end-of-file: the loop ends
            System.out.println("worker exited " + attached.waitForExit()); // 0
        }

        server.signal(Signal.SIGTERM);
        int code = server.waitForExit(); // 143: 128 + SIGTERM
        // docs:end processes
        if (running.stream().noneMatch(p -> "web".equals(p.tag()))) throw new AssertionError(running);
        return code;
    }
}
