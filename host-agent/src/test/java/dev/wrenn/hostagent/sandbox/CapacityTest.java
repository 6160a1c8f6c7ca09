package dev.wrenn.hostagent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
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

    @Test
    void recognisesOnlyOurVmmByName() {
        Path ours = Path.of("/data/host-agent/sandboxes");
        assertThat(Reclaimer.isOurVmm(
                        List.of(
                                "qemu-system-x86_64",
                                "-name",
                                "wrn-abc",
                                "-M",
                                "microvm",
                                "-pidfile",
                                "/data/host-agent/sandboxes/wrn-abc/qemu.pid"),
                        "wrn-",
                        ours))
                .isTrue();
        // Same prefix, another agent's data dir: not ours to kill.
        assertThat(Reclaimer.isOurVmm(
                        List.of(
                                "qemu-system-x86_64",
                                "-name",
                                "wrn-abc",
                                "-pidfile",
                                "/other/host-agent/sandboxes/wrn-abc/qemu.pid"),
                        "wrn-",
                        ours))
                .isFalse();
        assertThat(Reclaimer.isOurVmm(
                        List.of(
                                "/usr/bin/qemu-system-x86_64",
                                "-name",
                                "other",
                                "-pidfile",
                                "/data/host-agent/sandboxes/other/qemu.pid"),
                        "wrn-",
                        ours))
                .isFalse();
        assertThat(Reclaimer.isOurVmm(List.of("bash", "-c", "-name wrn-x /data/host-agent/sandboxes/"), "wrn-", ours))
                .isFalse();
    }
}
