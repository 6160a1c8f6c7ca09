package dev.wrenn.codeinterpreter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {
    @Test
    void defaultsAreE2bsPortAndTheInlineMatplotlibBackend() {
        Config c = Config.fromEnv(Map.of("WRENN_CI_CWD", "/tmp"));
        assertThat(c.port()).isEqualTo(49999);
        assertThat(c.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(c.python()).isEqualTo("python3");
        assertThat(c.defaultCwd()).isEqualTo(Path.of("/tmp"));
        assertThat(c.keepalive()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.kernelEnv()).containsEntry("MPLBACKEND", "module://matplotlib_inline.backend_inline");
    }

    @Test
    void theEnvironmentOverridesEachSetting() {
        Config c = Config.fromEnv(Map.of(
                "WRENN_CI_PORT", " 0 ",
                "WRENN_CI_BIND", "127.0.0.1",
                "WRENN_CI_PYTHON", "/usr/bin/python3",
                "WRENN_CI_KERNEL_TIMEOUT_S", "5",
                "WRENN_CI_KEEPALIVE_MS", "250",
                "MPLBACKEND", "agg"));
        assertThat(c.port()).isZero();
        assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(c.python()).isEqualTo("/usr/bin/python3");
        assertThat(c.kernelStartTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.keepalive()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.kernelEnv())
                .as("the kernel inherits the server's own MPLBACKEND")
                .isEmpty();
    }

    @Test
    void aBadNumberNamesItsVariable() {
        assertThatThrownBy(() -> Config.fromEnv(Map.of("WRENN_CI_PORT", "http")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WRENN_CI_PORT");
    }
}
