package dev.wrenn.guestagent;

import static dev.wrenn.guestagent.EnvdHarness.awaitOutput;
import static dev.wrenn.guestagent.EnvdHarness.b64;
import static dev.wrenn.guestagent.EnvdHarness.cmd;
import static dev.wrenn.guestagent.EnvdHarness.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Processes on a pseudo-terminal: echo, controlling terminal, resize, and the size checks. */
class EnvdPtyTest extends EnvdTestCase {
    static Map<String, Object> withPty(Map<String, Object> req, int cols, int rows) {
        req.put("pty", Map.of("size", Map.of("cols", cols, "rows", rows)));
        return req;
    }

    private void input(long pid, String text) throws Exception {
        h.rpc.ok("process.Process/SendInput", Map.of("process", Map.of("pid", pid), "input", Map.of("pty", b64(text))));
    }

    @Test
    void shellOnAPtyEchoesRunsAndSeesResizes() throws Exception {
        try (var s = h.rpc.stream("process.Process/Start", withPty(cmd("/bin/sh"), 80, 24))) {
            var c = new EnvdHarness.Collected();
            step(s, c);
            input(c.pid, "stty size; tty; echo TERM=$TERM; echo sum-$((40+2))\n");
            awaitOutput(s, c, "sum-42");
            String out = c.pty.toString();
            assertThat(out).contains("24 80");
            assertThat(out).contains("/dev/pts/");
            assertThat(out).contains("TERM=xterm-256color");
            // the typed line is echoed back by the terminal
            assertThat(out).contains("echo sum-$((40+2))");

            h.rpc.ok(
                    "process.Process/Update",
                    Map.of("process", Map.of("pid", c.pid), "pty", Map.of("size", Map.of("cols", 100, "rows", 30))));
            input(c.pid, "stty size; echo size-done\n");
            awaitOutput(s, c, "30 100");

            // Update with a zero size is refused, the terminal keeps its size
            var zero = h.rpc.unary(
                    "process.Process/Update",
                    Map.of("process", Map.of("pid", c.pid), "pty", Map.of("size", Map.of("cols", 0, "rows", 10))));
            assertThat(zero.status()).isEqualTo(400);
            assertThat(zero.code()).isEqualTo("invalid_argument");

            // stdin calls are for pipes: a PTY process takes its input on the pty
            var wrong = h.rpc.unary(
                    "process.Process/SendInput",
                    Map.of("process", Map.of("pid", c.pid), "input", Map.of("stdin", b64("x"))));
            assertThat(wrong.status()).isEqualTo(500);

            input(c.pid, "exit 5\n");
            while (step(s, c)) {
                // to the end
            }
            assertThat(c.exitCode()).isEqualTo(5);
        }
    }

    @Test
    void ptyIsTheControllingTerminalSoCtrlCInterrupts() throws Exception {
        try (var s = h.rpc.stream("process.Process/Start", withPty(cmd("sleep", "600"), 80, 24))) {
            var c = new EnvdHarness.Collected();
            step(s, c);
            // ^C on a controlling terminal sends SIGINT to its foreground process group
            input(c.pid, "\u0003");
            while (step(s, c)) {
                // to the end
            }
            assertThat(c.end).containsEntry("status", "signal: interrupt");
        }
    }

    @Test
    void ptySessionAsTheUnprivilegedUser() throws Exception {
        var req = withPty(cmd("/bin/sh", "-c", "id -u; tty; pwd"), 80, 24);
        try (var s = h.rpc.asUser("user").stream("process.Process/Start", req)) {
            var c = EnvdHarness.collect(s);
            assertThat(c.exitCode()).isZero();
            assertThat(c.pty.toString()).contains(EnvdHarness.USER_UID + "\r\n/dev/pts/", h.userHome.toString());
        }
    }

    @Test
    void zeroSizeAtStartIsInvalid() throws Exception {
        try (var s = h.rpc.stream("process.Process/Start", withPty(cmd("true"), 0, 24))) {
            assertThat(s.status).isEqualTo(200);
            assertThat(s.errorCode()).isEqualTo("invalid_argument");
        }
    }

    @Test
    void updateOfAPipeProcessFails() throws Exception {
        try (var s = h.rpc.stream("process.Process/Start", cmd("sleep", "600"))) {
            var c = new EnvdHarness.Collected();
            step(s, c);
            var r = h.rpc.unary(
                    "process.Process/Update",
                    Map.of("process", Map.of("pid", c.pid), "pty", Map.of("size", Map.of("cols", 10, "rows", 10))));
            assertThat(r.status()).isEqualTo(500);
            h.rpc.ok("process.Process/SendSignal", Map.of("process", Map.of("pid", c.pid), "signal", 9));
            EnvdHarness.collect(s);
        }
    }

    @Test
    void masterDescriptorsAreClosedAfterTheSessionEnds() throws Exception {
        long before = openPtmx();
        for (int i = 0; i < 5; i++) {
            var c = h.run(withPty(cmd("/bin/echo", "hi"), 80, 24));
            assertThat(c.pty.toString()).contains("hi");
            assertThat(c.exitCode()).isZero();
        }
        // the reader closes each master at EIO, before the end event is published
        assertThat(openPtmx()).isEqualTo(before);
    }

    private static long openPtmx() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                        try {
                            return Files.readSymbolicLink(fd).toString().contains("ptmx");
                        } catch (Exception e) {
                            return false;
                        }
                    })
                    .count();
        }
    }
}
