package dev.wrenn.guestagent;

import static dev.wrenn.guestagent.EnvdHarness.cmd;
import static dev.wrenn.guestagent.EnvdHarness.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How Process.Start starts a command (posix_spawn, setpriv for another user), over the envd protocol. */
class EnvdLaunchTest extends EnvdTestCase {
    @Test
    void commandsThatCannotRunEndAsInAShellAndScriptsWithoutAnInterpreterLineRun() throws Exception {
        var missing = h.run(cmd(dir + "/missing"));
        assertThat(missing.exitCode()).isEqualTo(127);
        assertThat(missing.stderr.toString()).contains("not found");

        Path plain = Files.writeString(dir.resolve("plain"), "echo from-a-script \"$@\"\n");
        var denied = h.run(cmd(plain.toString()));
        assertThat(denied.exitCode()).isEqualTo(126);
        assertThat(denied.stderr.toString()).contains("Permission denied");

        // as execvp does (and setsid did): a file the kernel refuses (ENOEXEC) is run by /bin/sh
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rwxr-xr-x"));
        var script = h.run(cmd(plain.toString(), "arg"));
        assertThat(script.exitCode()).isZero();
        assertThat(script.stdout.toString()).isEqualTo("from-a-script arg\n");
    }

    @Test
    void theCommandItselfLeadsItsSessionAsEitherUser() throws Exception {
        for (var rpc : new ConnectClient[] {h.rpc, h.rpc.asUser("user")}) {
            try (var s = rpc.stream("process.Process/Start", cmd("sleep", "30"))) {
                var c = new EnvdHarness.Collected();
                step(s, c);
                // the pid is the command's, not a wrapper's: setpriv execs it soon after the start event. Nothing
                // announces an exec, so /proc is polled, bounded; the assertion below says what was seen.
                String stat = "";
                for (long until = System.nanoTime() + 5_000_000_000L; System.nanoTime() < until; Thread.sleep(10)) {
                    stat = Files.readString(Path.of("/proc/" + c.pid + "/stat"));
                    if (stat.startsWith(c.pid + " (sleep) ")) break;
                }
                assertThat(stat).startsWith(c.pid + " (sleep) ");
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                assertThat(Long.parseLong(f[2])).as("pgrp").isEqualTo(c.pid);
                assertThat(Long.parseLong(f[3])).as("session").isEqualTo(c.pid);
                h.rpc.ok("process.Process/SendSignal", Map.of("process", Map.of("pid", c.pid), "signal", 9));
                EnvdHarness.collect(s);
            }
        }
    }

    @Test
    void anEnvironmentNameWithAnEqualsSignIsInvalid() throws Exception {
        var req = cmd("true");
        @SuppressWarnings("unchecked")
        var process = (Map<String, Object>) req.get("process");
        process.put("envs", Map.of("A=B", "x"));
        try (var s = h.rpc.stream("process.Process/Start", req)) {
            assertThat(s.errorCode()).isEqualTo("invalid_argument");
        }
    }
}
