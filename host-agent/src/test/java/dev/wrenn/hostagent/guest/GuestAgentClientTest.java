package dev.wrenn.hostagent.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.guestagent.GuestAgent;
import dev.wrenn.guestagent.auth.TokenStore;
import dev.wrenn.hostagent.guest.envd.EnvdExec;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host agent's guest client against the real guest agent, run in this JVM on loopback: exec's guarantees
 * built on envd's Start stream, whole-file transfer and the call after a restore.
 */
@Timeout(120)
class GuestAgentClientTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private final List<Long> clock = new CopyOnWriteArrayList<>();
    private final List<byte[]> entropy = new CopyOnWriteArrayList<>();
    private GuestAgent agent;
    private HttpClient http;
    private GuestAgentClient client;

    @BeforeEach
    void start() throws Exception {
        agent = GuestAgent.start(0, new TokenStore(TOKEN), clock::add, seed -> entropy.add(seed));
        http = GuestAgentClient.newHttpClient();
        client = new GuestAgentClient(http, "127.0.0.1", agent.port(), TOKEN);
    }

    @AfterEach
    void stop() {
        agent.close();
        http.close();
    }

    private static ExecCommand sh(String script, long timeoutMs) {
        return new ExecCommand("/bin/sh", List.of("-c", script), Map.of(), null, null, timeoutMs);
    }

    @Test
    void execCollectsBothStreamsAndTheExitCodeWithEnvAndCwd() throws Exception {
        ExecResult r = client.exec(sh("printf out; printf err >&2; exit 3", 0));
        assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).isEqualTo("out");
        assertThat(new String(r.stderr(), StandardCharsets.UTF_8)).isEqualTo("err");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.timedOut()).isFalse();
        assertThat(r.truncated()).isFalse();

        var withEnv = new ExecCommand(
                "/bin/sh",
                List.of("-c", "pwd; echo $GREETING; id -un"),
                Map.of("GREETING", "hi"),
                dir.toString(),
                null,
                0);
        assertThat(new String(client.exec(withEnv).stdout(), StandardCharsets.UTF_8))
                .isEqualTo(dir.toRealPath() + "\nhi\nroot\n");
    }

    @Test
    void aSignalledCommandReports128PlusTheSignal() throws Exception {
        assertThat(client.exec(sh("kill -9 $$", 0)).exitCode()).isEqualTo(137);
        assertThat(client.exec(sh("kill -TERM $$", 0)).exitCode()).isEqualTo(143);
    }

    @Test
    void theTimeLimitKillsTheWholeTreeAndSaysSo() throws Exception {
        Path marker = dir.resolve("escaped");
        // The background child leaves the group (setsid): the kill must still find it.
        ExecResult r = client.exec(sh("setsid sh -c 'sleep 5; touch " + marker + "' & sleep 60", 500));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        // Long enough for the escaped child to have written its marker had it survived.
        ExecResult after = client.exec(sh("sleep 6; test -e " + marker + " && echo alive || echo gone", 0));
        assertThat(new String(after.stdout(), StandardCharsets.UTF_8)).isEqualTo("gone\n");
    }

    @Test
    void outputBeyondTheCapIsReadDroppedAndFlagged() throws Exception {
        ExecResult r = client.exec(sh("head -c 5000000 /dev/zero; echo done >&2", 0));
        assertThat(r.stdout()).hasSize(EnvdExec.MAX_CAPTURE);
        assertThat(r.truncated()).isTrue();
        assertThat(r.exitCode()).isZero();
        assertThat(new String(r.stderr(), StandardCharsets.UTF_8)).isEqualTo("done\n");
    }

    @Test
    void filesGoInWithTheirModeAndComeOutWhole() throws Exception {
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        Path target = dir.resolve("sub/x y.bin");
        client.files().upload(target.toString(), "root", 0640, data.length, () -> new ByteArrayInputStream(data));
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .isEqualTo("rw-r-----");
        try (var d = client.files().download(target.toString(), "root").body()) {
            assertThat(d.readAllBytes()).isEqualTo(data);
        }
        assertThatThrownBy(() -> client.files().download(dir.resolve("missing").toString(), "root"))
                .isInstanceOfSatisfying(
                        GuestAgentException.class, e -> assertThat(e.code()).isEqualTo("not_found"));
    }

    @Test
    void oneCallAfterARestoreSetsTheClockMixesEntropyAndRotatesTheToken() throws Exception {
        assertThat(client.healthy(Duration.ofSeconds(5))).isTrue();
        byte[] seed = new byte[32];
        seed[0] = 7;
        GuestAgentClient rotated = client.restored(1_700_000_000_123L, seed, "fedcba9876543210fedcba9876543210");
        assertThat(clock).containsExactly(1_700_000_000_123L);
        assertThat(entropy).singleElement().isEqualTo(seed);
        assertThat(rotated.exec(sh("echo ok", 0)).exitCode()).isZero();
        assertThatThrownBy(() -> client.exec(sh("echo no", 0)))
                .isInstanceOfSatisfying(
                        GuestAgentException.class, e -> assertThat(e.code()).isEqualTo("unauthenticated"));
    }
}
