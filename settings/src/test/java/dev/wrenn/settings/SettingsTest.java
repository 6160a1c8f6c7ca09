package dev.wrenn.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir
    Path dir;

    @Test
    void theEnvironmentWinsOverTheFileInTheWorkingDirectory() throws Exception {
        Files.writeString(dir.resolve(".env"), "WRENN_PORT=9090\nWRENN_HOST=10.0.0.1\n");
        var s = Settings.load(Map.of("WRENN_PORT", "8081"), dir);
        assertThat(s.get("WRENN_PORT")).isEqualTo("8081");
        assertThat(s.get("WRENN_HOST")).isEqualTo("10.0.0.1");
        assertThat(s.get("WRENN_NOTHING")).isNull();
        assertThat(s.file()).contains(dir.resolve(".env"));
    }

    @Test
    void wrennEnvFileNamesAnotherFileAndMustExist() throws Exception {
        Files.writeString(dir.resolve(".env"), "WRENN_PORT=1\n");
        Path other = Files.writeString(dir.resolve("prod.env"), "WRENN_PORT=2\n");
        assertThat(Settings.load(Map.of("WRENN_ENV_FILE", other.toString()), dir)
                        .get("WRENN_PORT"))
                .isEqualTo("2");
        assertThatThrownBy(() -> Settings.load(
                        Map.of("WRENN_ENV_FILE", dir.resolve("nope.env").toString()), dir))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("WRENN_ENV_FILE names")
                .hasMessageContaining("nope.env");
    }

    @Test
    void noFileIsJustTheEnvironment() {
        var s = Settings.load(Map.of("A", "1"), dir);
        assertThat(s.all()).isEqualTo(Map.of("A", "1"));
        assertThat(s.file()).isEmpty();
    }

    @Test
    void aBadFileFailsNamingItsLine() throws Exception {
        Files.writeString(dir.resolve(".env"), "WRENN_PORT=9090\noops\n");
        assertThatThrownBy(() -> Settings.load(Map.of(), dir))
                .isInstanceOf(SettingsException.class)
                .hasMessage(dir.resolve(".env") + " line 2: expected NAME=value, found no '='");
    }
}
