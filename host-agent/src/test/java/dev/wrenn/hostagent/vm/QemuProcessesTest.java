package dev.wrenn.hostagent.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuProcessesTest {
    private static final Path OURS = Path.of("/data/host-agent/sandboxes");
    private final VmmProcesses qemu = QemuProcesses.INSTANCE;

    @Test
    void namesAVmmThatKeepsItsFilesInOurSandboxesDir() {
        var argv = List.of(
                "qemu-system-x86_64",
                "-name",
                "wrn-abc",
                "-M",
                "microvm",
                "-pidfile",
                "/data/host-agent/sandboxes/wrn-abc/qemu.pid");
        assertThat(qemu.vmName(argv, OURS)).isEqualTo("wrn-abc");
        var byPath = List.of(
                "/usr/bin/qemu-system-x86_64",
                "-name",
                "other",
                "-pidfile",
                "/data/host-agent/sandboxes/other/qemu.pid");
        assertThat(qemu.vmName(byPath, OURS)).isEqualTo("other");
    }

    @Test
    void ignoresAnotherAgentsVmmsAndOtherPrograms() {
        // Same name, another agent's data dir: not ours to kill.
        var elsewhere = List.of(
                "qemu-system-x86_64", "-name", "wrn-abc", "-pidfile", "/other/host-agent/sandboxes/wrn-abc/qemu.pid");
        assertThat(qemu.vmName(elsewhere, OURS)).isNull();
        assertThat(qemu.vmName(List.of("bash", "-c", "-name wrn-x /data/host-agent/sandboxes/"), OURS))
                .isNull();
        assertThat(qemu.vmName(List.of(), OURS)).isNull();
    }

    @Test
    void knowsWhichFilesDieWithTheVmm() {
        assertThat(qemu.isProcessFile("qmp.sock")).isTrue();
        assertThat(qemu.isProcessFile("qemu.pid")).isTrue();
        assertThat(qemu.isProcessFile("rootfs.qcow2")).isFalse();
        assertThat(qemu.isProcessFile("console.log")).isFalse();
    }
}
