package dev.wrenn.hostagent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CapacityTest {
    @Test
    void refusesMoreVcpusThanCoresAndMemoryOverBudget() throws Exception {
        Capacity c = new Capacity(2, 2, 1024);
        assertThatThrownBy(() -> c.reserve(3, 128)).hasMessageContaining("exceeds the host's 2 cores");
        assertThatThrownBy(() -> c.reserve(1, 2048)).hasMessageContaining("memory budget of 1024");
        c.reserve(2, 512);
        c.reserve(2, 512);
        assertThatThrownBy(() -> c.reserve(1, 64))
                .isInstanceOf(SandboxException.class)
                .extracting(e -> ((SandboxException) e).reason())
                .isEqualTo(SandboxException.Reason.CAPACITY);
        c.release(2, 512);
        c.reserve(1, 256);
        assertThat(c.snapshot()).isEqualTo(new Capacity.Snapshot(4, 3, 1024, 768, 2));
    }

    @Test
    void stateMachineAllowsOnlyTableTransitions() {
        assertThat(SandboxState.STARTING.canMoveTo(SandboxState.RUNNING)).isTrue();
        assertThat(SandboxState.RUNNING.canMoveTo(SandboxState.STARTING)).isFalse();
        assertThat(SandboxState.STOPPED.canMoveTo(SandboxState.STOPPING)).isFalse();
        assertThat(SandboxState.STOPPING.canMoveTo(SandboxState.STOPPING)).isFalse();
    }
}
