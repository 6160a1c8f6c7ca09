package dev.wrenn.sdk.examples;

import dev.wrenn.sdk.sandbox.Sandbox;
import dev.wrenn.sdk.terminal.Terminal;
import dev.wrenn.sdk.terminal.TerminalOptions;
import java.io.ByteArrayOutputStream;

final class TerminalExamples {
    private TerminalExamples() {}

    /** Returns the screen's text and the exit code, as "code:text". */
    static String shell(Sandbox sandbox) {
        // docs:begin terminal
        var screen = new ByteArrayOutputStream();
        int code;
        try (Terminal terminal = sandbox.openTerminal(TerminalOptions.builder()
                .size(100, 30)
                .onOutput(bytes -> {
                    synchronized (screen) {
                        screen.writeBytes(bytes); // or write them to your terminal widget
                    }
                })
                .build())) {
            terminal.write("stty size\n"); // keystrokes: any bytes
            terminal.resize(120, 40); // the shell gets SIGWINCH
            terminal.write("stty size; exit 3\n");
            code = terminal.waitForExit(); // 3
        }
        // docs:end terminal
        synchronized (screen) {
            return code + ":" + screen;
        }
    }
}
