package dev.wrenn.hostagent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SandboxStateTest {
    @Test
    void pauseAndResumeTransitions() {
        assertThat(SandboxState.RUNNING.canMoveTo(SandboxState.PAUSING)).isTrue();
        assertThat(SandboxState.PAUSING.canMoveTo(SandboxState.PAUSED)).isTrue();
        assertThat(SandboxState.PAUSING.canMoveTo(SandboxState.RUNNING)).isTrue(); // failed pause: keeps running
        assertThat(SandboxState.PAUSED.canMoveTo(SandboxState.RESUMING)).isTrue();
        assertThat(SandboxState.PAUSED.canMoveTo(SandboxState.STOPPING)).isTrue(); // destroy while paused
        assertThat(SandboxState.RESUMING.canMoveTo(SandboxState.PAUSED)).isTrue(); // failed resume
        assertThat(SandboxState.PAUSED.canMoveTo(SandboxState.PAUSING)).isFalse();
        assertThat(SandboxState.RUNNING.canMoveTo(SandboxState.RESUMING)).isFalse();
        assertThat(SandboxState.STARTING.canMoveTo(SandboxState.PAUSING)).isFalse();
        assertThat(SandboxState.PAUSING.canMoveTo(SandboxState.STOPPING)).isFalse();
    }
}
