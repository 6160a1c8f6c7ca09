package dev.wrenn.guestagent;

import static dev.wrenn.guestagent.EnvdHarness.awaitOutput;
import static dev.wrenn.guestagent.EnvdHarness.b64;
import static dev.wrenn.guestagent.EnvdHarness.cmd;
import static dev.wrenn.guestagent.EnvdHarness.collect;
import static dev.wrenn.guestagent.EnvdHarness.selector;
import static dev.wrenn.guestagent.EnvdHarness.sh;
import static dev.wrenn.guestagent.EnvdHarness.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** process.Process over the envd protocol, against the agent in-process over real HTTP. */
class EnvdProcessTest extends EnvdTestCase {
    @Test
    void startStreamsStartDataAndEnd() throws Exception {
        try (var s = h.rpc.stream("process.Process/Start", sh("echo out; echo err >&2; exit 3"))) {
            assertThat(s.status).isEqualTo(200);
            assertThat(s.contentType).startsWith("application/connect+json");
            var c = collect(s);
            assertThat(c.kinds.getFirst()).isEqualTo("start");
            assertThat(c.kinds.getLast()).isEqualTo("end");
            assertThat(c.pid).isPositive();
            assertThat(c.stdout.toString()).isEqualTo("out\n");
            assertThat(c.stderr.toString()).isEqualTo("err\n");
            assertThat(c.exitCode()).isEqualTo(3);
            assertThat(c.end).containsEntry("exited", true).containsEntry("status", "exit status 3");
            assertThat(c.endOfStream).isEmpty();
        }
    }

    @Test
    void outputArrivesWhileTheProcessRunsAndBinaryOutputSurvives() throws Exception {
        try (var s = h.rpc.stream("process.Process/Start", sh("echo first; read x; printf '\\377\\000'"))) {
            var c = new EnvdHarness.Collected();
            // the process waits for input, so "first" can only have come while it runs
            awaitOutput(s, c, "first\n");
            h.rpc.ok(
                    "process.Process/SendInput",
                    Map.of("process", Map.of("pid", c.pid), "input", Map.of("stdin", b64("\n"))));
            var raw = new java.io.ByteArrayOutputStream();
            for (Map<String, Object> msg; (msg = s.next()) != null; ) {
                @SuppressWarnings("unchecked")
                var event = (Map<String, Object>) msg.get("event");
                if (event.get("data") instanceof Map<?, ?> data && data.get("stdout") instanceof String chunk) {
                    raw.writeBytes(java.util.Base64.getDecoder().decode(chunk));
                }
            }
            assertThat(raw.toByteArray()).containsExactly(0xff, 0);
        }
    }

    @Test
    void backgroundChildHoldingThePipesDoesNotHoldBackTheEnd() throws Exception {
        long t0 = System.nanoTime();
        var c = h.run(sh("echo started; sleep 5 &"));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(4_000);
        assertThat(c.exitCode()).isZero();
        assertThat(c.stdout.toString()).isEqualTo("started\n");
    }

    @Test
    void environmentAndWorkingDirectoryAreEnvds() throws Exception {
        var req = sh("pwd; echo $HOME $USER $LOGNAME $FOO");
        @SuppressWarnings("unchecked")
        var process = (Map<String, Object>) req.get("process");
        process.put("envs", Map.of("FOO", "bar"));
        var c = h.run(req);
        assertThat(c.stdout.toString()).isEqualTo(h.rootHome + "\n" + h.rootHome + " root root bar\n");

        process.put("cwd", "/tmp");
        assertThat(h.run(req).stdout.toString()).startsWith("/tmp\n");
        process.put("cwd", dir.resolve("missing").toString());
        try (var s = h.rpc.stream("process.Process/Start", req)) {
            assertThat(s.errorCode()).isEqualTo("invalid_argument");
        }
    }

    @Test
    void missingCommandEndsWithExitCode127() throws Exception {
        var c = h.run(cmd("no-such-command-anywhere"));
        assertThat(c.exitCode()).isEqualTo(127);
    }

    @Test
    void stdinInputAndCloseStdin() throws Exception {
        var req = cmd("cat");
        try (var s = h.rpc.stream("process.Process/Start", req)) {
            var c = new EnvdHarness.Collected();
            step(s, c);
            h.rpc.ok(
                    "process.Process/SendInput",
                    Map.of("process", Map.of("pid", c.pid), "input", Map.of("stdin", b64("hello\n"))));
            awaitOutput(s, c, "hello\n");
            h.rpc.ok("process.Process/CloseStdin", selector(c.pid));
            while (step(s, c)) {
                // to the end: cat exits on end of input
            }
            assertThat(c.exitCode()).isZero();
            assertThat(c.stdout.toString()).isEqualTo("hello\n");
        }
    }

    @Test
    void stdinFalseClosesStdinAtStart() throws Exception {
        var req = cmd("cat");
        req.put("stdin", false);
        var c = h.run(req);
        assertThat(c.exitCode()).isZero();
        var again = cmd("cat");
        again.put("stdin", false);
        try (var s = h.rpc.stream("process.Process/Start", again)) {
            var col = new EnvdHarness.Collected();
            step(s, col);
            var r = h.rpc.unary(
                    "process.Process/SendInput",
                    Map.of("process", Map.of("pid", col.pid), "input", Map.of("stdin", b64("x"))));
            // the process may already be gone (not_found) or have no stdin (internal): never accepted
            assertThat(r.status()).isIn(404, 500);
        }
    }

    @Test
    void twoConnectionsBothGetTheOutputAndListShowsTheProcess() throws Exception {
        var req = cmd("cat");
        req.put("tag", "shared");
        try (var first = h.rpc.stream("process.Process/Start", req)) {
            var a = new EnvdHarness.Collected();
            step(first, a);
            try (var second = h.rpc.stream("process.Process/Connect", Map.of("process", Map.of("tag", "shared")))) {
                var b = new EnvdHarness.Collected();
                step(second, b);
                assertThat(b.pid).isEqualTo(a.pid);

                @SuppressWarnings("unchecked")
                var procs = (List<Map<String, Object>>)
                        h.rpc.ok("process.Process/List", Map.of()).get("processes");
                assertThat(procs).anySatisfy(p -> {
                    assertThat(((Number) p.get("pid")).longValue()).isEqualTo(a.pid);
                    assertThat(p).containsEntry("tag", "shared");
                    assertThat(p.get("config").toString()).contains("cat");
                });

                h.rpc.ok(
                        "process.Process/SendInput",
                        Map.of("process", Map.of("tag", "shared"), "input", Map.of("stdin", b64("both\n"))));
                awaitOutput(first, a, "both\n");
                awaitOutput(second, b, "both\n");
                h.rpc.ok("process.Process/CloseStdin", selector(a.pid));
                while (step(second, b)) {
                    // to the end
                }
                assertThat(b.exitCode()).isZero();
            }
        }
    }

    @Test
    void processOutlivesItsClientAndItsExitCanBeReadAfterwards() throws Exception {
        long pid;
        try (var s = h.rpc.stream("process.Process/Start", cmd("cat"))) {
            var c = new EnvdHarness.Collected();
            step(s, c);
            pid = c.pid;
        }
        @SuppressWarnings("unchecked")
        var procs = (List<Map<String, Object>>)
                h.rpc.ok("process.Process/List", Map.of()).get("processes");
        assertThat(procs)
                .anySatisfy(p -> assertThat(((Number) p.get("pid")).longValue()).isEqualTo(pid));

        h.rpc.ok("process.Process/CloseStdin", selector(pid));
        // Connect until the exit is seen; one attached before the exit sees the end too.
        try (var s = h.rpc.stream("process.Process/Connect", selector(pid))) {
            var c = collect(s);
            assertThat(c.exitCode()).isZero();
        }
        try (var s = h.rpc.stream("process.Process/Connect", selector(pid))) {
            var c = collect(s);
            assertThat(c.kinds).containsExactly("start", "end");
            assertThat(c.end).containsEntry("status", "exit status 0");
        }
    }

    @Test
    void sigtermAndSigkillByNameAndNumber() throws Exception {
        for (Object signal : List.of("SIGNAL_SIGTERM", 9, "15", "SIGNAL_SIGKILL")) {
            try (var s = h.rpc.stream("process.Process/Start", cmd("sleep", "600"))) {
                var c = new EnvdHarness.Collected();
                step(s, c);
                h.rpc.ok("process.Process/SendSignal", Map.of("process", Map.of("pid", c.pid), "signal", signal));
                while (step(s, c)) {
                    // to the end
                }
                boolean kill = signal.equals(9) || signal.equals("SIGNAL_SIGKILL");
                assertThat(c.end)
                        .containsEntry("exited", false)
                        .containsEntry("status", kill ? "signal: killed" : "signal: terminated");
                assertThat(c.exitCode()).isEqualTo(-1);
            }
        }
    }

    @Test
    void sigkillAlsoTakesAChildThatLeftTheGroupWithSetsid() throws Exception {
        try (var s = h.rpc.stream("process.Process/Start", sh("setsid sleep 600 & echo $!; wait"))) {
            var c = new EnvdHarness.Collected();
            awaitOutput(s, c, "\n");
            var child =
                    ProcessHandle.of(Long.parseLong(c.stdout.toString().trim())).orElseThrow();
            try {
                h.rpc.ok(
                        "process.Process/SendSignal",
                        Map.of("process", Map.of("pid", c.pid), "signal", "SIGNAL_SIGKILL"));
                while (step(s, c)) {
                    // to the end
                }
                assertThat(c.end).containsEntry("status", "signal: killed");
                assertThat(child.onExit()
                                .completeOnTimeout(child, 5, java.util.concurrent.TimeUnit.SECONDS)
                                .get()
                                .isAlive())
                        .as("the setsid'ed sleep is killed too")
                        .isFalse();
            } finally {
                child.destroyForcibly(); // a failed run leaves no sleep behind
            }
        }
    }

    @Test
    void badSignalsAndUnknownProcesses() throws Exception {
        try (var s = h.rpc.stream("process.Process/Start", cmd("sleep", "600"))) {
            var c = new EnvdHarness.Collected();
            step(s, c);
            for (Object bad : List.of("SIGNAL_UNSPECIFIED", "SIGNAL_NOPE", 0, 99)) {
                var r = h.rpc.unary(
                        "process.Process/SendSignal", Map.of("process", Map.of("pid", c.pid), "signal", bad));
                assertThat(r.status()).as("signal %s", bad).isEqualTo(400);
                assertThat(r.code()).isEqualTo("invalid_argument");
            }
            h.rpc.ok("process.Process/SendSignal", Map.of("process", Map.of("pid", c.pid), "signal", 9));
            collect(s);
        }
        var r = h.rpc.unary("process.Process/SendSignal", Map.of("process", Map.of("pid", 999_999), "signal", 9));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.code()).isEqualTo("not_found");
        try (var s = h.rpc.stream("process.Process/Connect", selector(999_999))) {
            assertThat(s.status).isEqualTo(200);
            assertThat(s.errorCode()).isEqualTo("not_found");
        }
        assertThat(h.rpc.unary("process.Process/CloseStdin", Map.of("process", Map.of("tag", "nope")))
                        .code())
                .isEqualTo("not_found");
    }

    @Test
    void keepalivesArriveAtTheRequestedInterval() throws Exception {
        try (var s =
                h.rpc.stream("process.Process/Start", cmd("sleep", "2.5"), Map.of("Keepalive-Ping-Interval", "1"))) {
            var c = collect(s);
            assertThat(c.kinds).contains("keepalive");
            assertThat(c.exitCode()).isZero();
        }
    }

    @Test
    void connectTimeoutLimitsTheProcessAsInEnvd() throws Exception {
        try (var s = h.rpc.stream("process.Process/Start", cmd("sleep", "600"), Map.of("Connect-Timeout-Ms", "300"))) {
            var c = collect(s);
            assertThat(c.end).containsEntry("status", "signal: killed");
        }
    }

    @Test
    void unprivilegedUserFromBasicCredentials() throws Exception {
        var c = new EnvdHarness.Collected();
        try (var s = h.rpc.asUser("user").stream("process.Process/Start", sh("id -u; echo $HOME $USER; pwd"))) {
            c = collect(s);
        }
        assertThat(c.stdout.toString())
                .isEqualTo(EnvdHarness.USER_UID + "\n" + h.userHome + " user\n" + h.userHome + "\n");

        try (var s = h.rpc.asUser("nobody-here").stream("process.Process/Start", cmd("true"))) {
            assertThat(s.errorCode()).isEqualTo("unauthenticated");
        }
    }

    @Test
    void initSetsDefaultUserEnvAndWorkdir() throws Exception {
        var init = new LinkedHashMap<String, Object>();
        init.put("envVars", Map.of("FROM_INIT", "yes"));
        init.put("defaultUser", "user");
        init.put("defaultWorkdir", "/tmp");
        assertThat(h.init(init).statusCode()).isEqualTo(204);
        var c = h.run(sh("id -u; pwd; echo $FROM_INIT"));
        assertThat(c.stdout.toString()).isEqualTo(EnvdHarness.USER_UID + "\n/tmp\nyes\n");
    }
}
