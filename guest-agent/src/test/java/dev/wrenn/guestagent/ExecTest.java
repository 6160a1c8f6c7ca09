package dev.wrenn.guestagent;

import static dev.wrenn.guestagent.AgentHarness.errorCode;
import static dev.wrenn.guestagent.AgentHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /exec. */
class ExecTest {
    @TempDir
    Path dir;

    AgentHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new AgentHarness(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private Map<String, Object> exec(Map<String, Object> body) throws Exception {
        var r = h.post("/exec", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    @Test
    void successfulCommand() throws Exception {
        var r = exec(Map.of(
                "cmd",
                "sh",
                "args",
                List.of("-c", "echo \"hi $NAME\"; pwd"),
                "env",
                Map.of("NAME", "wrenn"),
                "cwd",
                dir.toString(),
                "timeout_ms",
                10_000));
        assertThat(r)
                .containsEntry("exit_code", 0L)
                .containsEntry("encoding", "utf-8")
                .containsEntry("timed_out", false);
        assertThat(r.get("stdout")).isEqualTo("hi wrenn\n" + dir.toRealPath() + "\n");
        assertThat(r.get("stderr")).isEqualTo("");
        assertThat((Long) r.get("duration_ms")).isGreaterThanOrEqualTo(0L);
    }

    @Test
    void failingCommandKeepsExitCodeAndStderr() throws Exception {
        var r = exec(Map.of("cmd", "sh", "args", List.of("-c", "echo out; echo 'it broke' >&2; exit 3")));
        assertThat(r)
                .containsEntry("exit_code", 3L)
                .containsEntry("stdout", "out\n")
                .containsEntry("stderr", "it broke\n");
    }

    @Test
    void timeoutKillsTheWholeProcessGroup() throws Exception {
        Path pidFile = dir.resolve("bg.pid");
        // The child outlives any test run unless the timeout kills it: an answer at all (before the
        // harness gives up) and a dead child prove it, with no clock in the assertion.
        var r = exec(Map.of(
                "cmd",
                "sh",
                "args",
                List.of("-c", "sleep 100000 & echo $! > " + pidFile + "; wait"),
                "timeout_ms",
                500));
        assertThat(r).containsEntry("timed_out", true).containsEntry("exit_code", -1L);
        long bgPid = Long.parseLong(Files.readString(pidFile).trim());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ProcessHandle.of(bgPid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.of(bgPid).map(ProcessHandle::isAlive).orElse(false))
                .as("background child in the same process group is killed")
                .isFalse();
    }

    @Test
    void nonUtf8OutputIsBase64() throws Exception {
        var r = exec(Map.of("cmd", "sh", "args", List.of("-c", "printf '\\377\\376abc\\000'; printf 'ok' >&2")));
        assertThat(r).containsEntry("encoding", "base64");
        assertThat(Base64.getDecoder().decode((String) r.get("stdout"))).containsExactly(0xff, 0xfe, 'a', 'b', 'c', 0);
        assertThat(new String(Base64.getDecoder().decode((String) r.get("stderr"))))
                .isEqualTo("ok");
    }

    @Test
    void textThatNeedsJsonEscapingSurvives() throws Exception {
        String text = "quote\" backslash\\ tab\t cr\r ctl\u0001 del\u007f unicode: grüße 日本 🙂\n";
        var r = exec(Map.of("cmd", "printf", "args", List.of("%s", text)));
        assertThat(r).containsEntry("encoding", "utf-8").containsEntry("stdout", text);
    }

    @Test
    void largeOutputIsCappedAndFlagged() throws Exception {
        var r = exec(
                Map.of("cmd", "sh", "args", List.of("-c", "head -c 6000000 /dev/zero | tr '\\0' 'a'; echo tail >&2")));
        assertThat(r)
                .containsEntry("truncated", true)
                .containsEntry("stderr", "tail\n")
                .containsEntry("exit_code", 0L);
        assertThat((String) r.get("stdout")).hasSize(4 * 1024 * 1024).matches("a+");
    }

    @Test
    void commandThatCannotStartIsSpawnFailed() throws Exception {
        var r = h.post("/exec", Map.of("cmd", "definitely-not-a-command-wrenn"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(errorCode(r)).isEqualTo("spawn_failed");

        var badCwd = h.post(
                "/exec", Map.of("cmd", "true", "cwd", dir.resolve("missing").toString()));
        assertThat(badCwd.statusCode()).isEqualTo(400);
        assertThat(errorCode(badCwd)).isEqualTo("spawn_failed");
    }

    @Test
    void backgroundChildHoldingThePipeDoesNotBlockTheAnswer() throws Exception {
        long t0 = System.nanoTime();
        var r = exec(Map.of("cmd", "sh", "args", List.of("-c", "echo started; sleep 5 &"), "timeout_ms", 30_000));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
        assertThat(r).containsEntry("exit_code", 0L).containsEntry("stdout", "started\n");
    }
}
