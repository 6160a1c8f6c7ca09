package dev.wrenn.controlplane.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.host.HostState;
import org.junit.jupiter.api.Test;

/** The one table between host states and row statuses (ARCHITECTURE.md shows it too). */
class HostStatesTest {

    @Test
    void everyHostStateHasARowStatus() {
        assertThat(HostStates.of(HostState.STARTING)).isEqualTo(SandboxStatus.PENDING);
        assertThat(HostStates.of(HostState.RUNNING)).isEqualTo(SandboxStatus.RUNNING);
        assertThat(HostStates.of(HostState.PAUSED)).isEqualTo(SandboxStatus.PAUSED);
        assertThat(HostStates.of(HostState.STOPPING)).isEqualTo(SandboxStatus.STOPPED);
        assertThat(HostStates.of(HostState.STOPPED)).isEqualTo(SandboxStatus.STOPPED);
        assertThat(HostStates.of(HostState.FAILED)).isEqualTo(SandboxStatus.ERROR);
    }

    @Test
    void onlyStartingAndRunningVmsAreAlive() {
        for (var s : HostState.values()) {
            assertThat(HostStates.alive(s)).as(s.name()).isEqualTo(s == HostState.STARTING || s == HostState.RUNNING);
        }
    }

    @Test
    void reasonsAreStoredAsCodeThenDetail() {
        assertThat(StatusReason.VM_LOST.with("gone")).isEqualTo("vm_lost: gone");
        assertThat(StatusReason.DESTROYED.code()).isEqualTo("destroyed");
        for (var r : StatusReason.values()) assertThat(r.code()).matches("[a-z]+(_[a-z]+)*");
    }
}
