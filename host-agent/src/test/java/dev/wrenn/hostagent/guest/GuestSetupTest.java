package dev.wrenn.hostagent.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuestSetupTest {

    @Test
    void emptyValuesMeanNotSet() {
        var s = new GuestSetup(null, "", "");
        assertThat(s.isEmpty()).isTrue();
        assertThat(s.defaultUser()).isNull();
        assertThat(s.defaultWorkdir()).isNull();
        assertThat(new GuestSetup(Map.of("A", "1"), null, null).isEmpty()).isFalse();
        assertThat(new GuestSetup(Map.of(), "user", null).isEmpty()).isFalse();
    }

    @Test
    void plainUserNamesAndAbsoluteWorkdirsPass() {
        var s = new GuestSetup(Map.of("PATH_EXTRA", "/opt/bin", "_x1", "a b=c"), "user_1-a", "/home/user/work dir");
        assertThat(s.defaultUser()).isEqualTo("user_1-a");
        assertThat(s.envVars()).containsEntry("_x1", "a b=c");
        assertThat(new GuestSetup(null, "_" + "a".repeat(31), null).defaultUser())
                .hasSize(32);
    }

    @Test
    void usersThatAreNoPlainNameAreRefused() {
        for (String bad : new String[] {"Root", "1user", "a b", "../root", "user:x", "a".repeat(33), "u\0"}) {
            assertThatThrownBy(() -> new GuestSetup(null, bad, null))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("default_user");
        }
    }

    @Test
    void workdirsMustBeAbsolute() {
        for (String bad : new String[] {"tmp", "./x", "~/x", "/a\0b", "/" + "d".repeat(4096)}) {
            assertThatThrownBy(() -> new GuestSetup(null, null, bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("default_workdir");
        }
    }

    @Test
    void envNamesAndSizesAreBounded() {
        for (String bad : new String[] {"1A", "A-B", "A=B", "", "A B", "Ä"}) {
            assertThatThrownBy(() -> new GuestSetup(Map.of(bad, "v"), null, null))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a variable name");
        }
        assertThatThrownBy(() -> new GuestSetup(Map.of("A", "x\0y"), null, null))
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> new GuestSetup(Map.of("A", "x".repeat(128 * 1024)), null, null))
                .hasMessageContaining("longer than");
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 1001; i++) many.put("V" + i, "");
        assertThatThrownBy(() -> new GuestSetup(many, null, null)).hasMessageContaining("at most 1000");
        Map<String, String> big = new HashMap<>();
        for (int i = 0; i < 10; i++) big.put("V" + i, "x".repeat(120 * 1024));
        assertThatThrownBy(() -> new GuestSetup(big, null, null)).hasMessageContaining("in all");
    }
}
