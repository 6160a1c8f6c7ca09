package dev.wrenn.hostagent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TeardownTest {
    @Test
    void runsStepsOnceInReverseAndCollectsErrors() {
        List<String> ran = new ArrayList<>();
        Teardown td = new Teardown("t");
        td.add("a", () -> ran.add("a"));
        td.add("b", () -> {
            ran.add("b");
            throw new IllegalStateException("boom");
        });
        td.add("c", () -> ran.add("c"));

        assertThatThrownBy(td::close)
                .isInstanceOf(Teardown.TeardownException.class)
                .hasMessageContaining("1 failure")
                .hasMessageContaining("b: boom");
        assertThat(ran).containsExactly("c", "b", "a");

        assertThat(td.runAll()).isEmpty();
        assertThat(ran).hasSize(3);
    }

    @Test
    void stepAddedAfterCloseRunsImmediately() throws Exception {
        List<String> ran = new ArrayList<>();
        Teardown td = new Teardown("t");
        td.close();
        td.add("late", () -> ran.add("late"));
        assertThat(ran).containsExactly("late");
    }
}
