package dev.wrenn.sdk.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.sdk.User;
import dev.wrenn.sdk.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessJsonTest {
    @Test
    void aShellLineHasNoArgsAndAProgramAlwaysHasThem() {
        assertThat(Command.shell("ls | wc -l").build().json().text()).isEqualTo("{\"cmd\":\"ls | wc -l\"}");
        assertThat(Command.program("/bin/true").build().json().text()).isEqualTo("{\"cmd\":\"/bin/true\",\"args\":[]}");
        var full = Command.program("python3", "-c", "print(1)")
                .env("A", "1")
                .cwd("/tmp")
                .user(User.USER)
                .timeout(Duration.ofSeconds(5))
                .tag("t")
                .stdin(true)
                .build();
        assertThat(Json.tree(Commands.startBody(full).text())).isEqualTo(Json.tree("""
                        {"cmd":"python3","args":["-c","print(1)"],"env":{"A":"1"},"cwd":"/tmp","user":"user",
                         "tag":"t","stdin":true}
                        """));
        assertThatThrownBy(() -> Command.shell(" ").build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamMessagesBecomeEventsAndBase64DataIsDecoded() {
        assertThat(ProcessOutput.of(Json.tree("{\"type\":\"start\",\"pid\":12}")))
                .isEqualTo(new ProcessEvent.Started(12));
        var out = (ProcessEvent.Stdout) ProcessOutput.of(Json.tree("{\"type\":\"stdout\",\"data\":\"hé\"}"));
        assertThat(out.text()).isEqualTo("hé");
        var raw = (ProcessEvent.Stderr)
                ProcessOutput.of(Json.tree("{\"type\":\"stderr\",\"data\":\"//4=\",\"encoding\":\"base64\"}"));
        assertThat(raw.data()).containsExactly(0xff, 0xfe);
        assertThat(ProcessOutput.of(Json.tree("{\"type\":\"pty\",\"data\":\"$ \"}")))
                .isInstanceOf(ProcessEvent.Pty.class);
        assertThat(ProcessOutput.of(Json.tree("{\"type\":\"exit\",\"exit_code\":130}")))
                .isEqualTo(new ProcessEvent.Exited(130));
        assertThat(ProcessOutput.of(Json.tree("{\"type\":\"keepalive\"}"))).isNull();
    }

    @Test
    void textChunksKeepACharacterSplitAcrossChunksWhole() {
        var t = new TextChunks();
        byte[] e = "é€😀".getBytes(StandardCharsets.UTF_8);
        var all = new StringBuilder();
        for (byte b : e) all.append(t.feed(new byte[] {b}));
        assertThat(all.append(t.finish()).toString()).isEqualTo("é€😀");
        assertThat(t.feed(new byte[] {(byte) 0xc3})).isEmpty();
        assertThat(t.finish()).isEqualTo("\uFFFD");
        assertThat(t.feed(new byte[] {(byte) 0xff, 'a'})).isEqualTo("\uFFFDa");
    }

    @Test
    void aProcessIsReadRunningOrEnded() {
        var running = Json.read(
                "{\"pid\":7,\"tag\":\"web\",\"cmd\":\"/bin/sh\",\"args\":[\"-c\",\"x\"],\"cwd\":null,\"running\":true}"
                        .getBytes(StandardCharsets.UTF_8),
                ProcessInfo.class);
        assertThat(running.args()).containsExactly("-c", "x");
        assertThat(running.exit()).isEmpty();
        var ended = Json.read(
                "{\"pid\":7,\"running\":false,\"exit_code\":143}".getBytes(StandardCharsets.UTF_8), ProcessInfo.class);
        assertThat(ended.exit()).contains(143);
        assertThat(ended.args()).isEmpty();
    }

    @Test
    void aResultKeepsItsBytes() {
        var r = new CommandResult(
                new byte[] {(byte) 0xff}, "err".getBytes(StandardCharsets.UTF_8), 1, false, Duration.ZERO);
        assertThat(r.stdoutBytes()).containsExactly(0xff);
        assertThat(r.stderr()).isEqualTo("err");
        assertThat(r.ok()).isFalse();
        assertThat(r).isEqualTo(new CommandResult(new byte[] {(byte) 0xff}, "err".getBytes(), 1, false, Duration.ZERO));
    }
}
