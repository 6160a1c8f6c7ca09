package dev.wrenn.guestagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.guestagent.auth.TokenStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
    @TempDir
    Path dir;

    @Test
    void readsTheTokenFromTheKernelCommandLine() {
        assertThat(TokenStore.fromCmdline("console=ttyS0 quiet wrenn.token=abc123 root=/dev/vda rw\n"))
                .hasValue("abc123");
        assertThat(TokenStore.fromCmdline("console=ttyS0")).isEmpty();
    }

    @Test
    void rotatedTokenSurvivesARestartThroughTheStateFile() throws Exception {
        Path state = dir.resolve("run/token");
        var first = new TokenStore("template", state);
        assertThat(first.acceptsAccessToken("template")).isTrue();
        first.set("clone");

        var restarted = new TokenStore("template", state);
        assertThat(restarted.acceptsAccessToken("clone")).isTrue();
        assertThat(restarted.acceptsAccessToken("template")).isFalse();
    }

    @Test
    void noTokenAcceptsNothing() {
        var none = new TokenStore(null);
        assertThat(none.isConfigured()).isFalse();
        assertThat(none.acceptsAccessToken("")).isFalse();
        assertThat(none.acceptsAccessToken(null)).isFalse();
    }
}
