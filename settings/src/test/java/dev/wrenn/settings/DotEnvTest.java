package dev.wrenn.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DotEnvTest {
    @Test
    void readsTheFormsPeopleWrite() {
        var vars = DotEnv.parse(
                List.of(
                        "# a comment",
                        "",
                        "WRENN_PORT=9090",
                        "export WRENN_HOST = 127.0.0.1 ",
                        "PLAIN=a b c # trailing comment",
                        "HASH=a#b",
                        "SINGLE='keep $this \\n as is'",
                        "DOUBLE=\"line\\none \\\"quoted\\\" \\$x\" # comment",
                        "EMPTY=",
                        "WRENN_PORT=9191"),
                ".env");
        assertThat(vars)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "WRENN_PORT", "9191",
                        "WRENN_HOST", "127.0.0.1",
                        "PLAIN", "a b c",
                        "HASH", "a#b",
                        "SINGLE", "keep $this \\n as is",
                        "DOUBLE", "line\none \"quoted\" $x",
                        "EMPTY", ""));
    }

    @Test
    void aMalformedLineIsRefusedWithItsNumber() {
        assertThatThrownBy(() -> DotEnv.parse(List.of("A=1", "", "just words"), "/srv/.env"))
                .isInstanceOf(SettingsException.class)
                .hasMessage("/srv/.env line 3: expected NAME=value, found no '='");
        assertThatThrownBy(() -> DotEnv.parse(List.of("1BAD=x"), ".env"))
                .hasMessageContaining("line 1: '1BAD' is not a variable name");
        assertThatThrownBy(() -> DotEnv.parse(List.of("A=\"open"), ".env"))
                .hasMessageContaining("line 1: the value's \" is never closed");
        assertThatThrownBy(() -> DotEnv.parse(List.of("A='x' y"), ".env"))
                .hasMessageContaining("text after the closing quote");
        assertThatThrownBy(() -> DotEnv.parse(List.of("A=it's"), ".env"))
                .hasMessageContaining("a quote inside an unquoted value");
        assertThatThrownBy(() -> DotEnv.parse(List.of("A=\"\\q\""), ".env")).hasMessageContaining("unknown escape \\q");
    }
}
