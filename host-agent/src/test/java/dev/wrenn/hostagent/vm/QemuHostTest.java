package dev.wrenn.hostagent.vm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QemuHostTest {
    // Excerpts of `qemu-system-x86_64 -object memory-backend-file,help`.
    static final String QEMU_7_2 = """
            memory-backend-file options:
              dump=<bool>            - Set to 'off' to exclude from core dump
              readonly=<bool>
              share=<bool>           - Mark the memory as private to QEMU or shared
            """;
    static final String QEMU_10_0 = """
            memory-backend-file options:
              readonly=<bool>
              rom=<OnOffAuto>        - Whether to create Read Only Memory (ROM)
              share=<bool>           - Mark the memory as private to QEMU or shared
            """;

    @Test
    void theRomPropertyIsWhatAllowsAReadOnlyPrivateMapping() {
        assertThat(QemuHost.hasProperty(QEMU_7_2, "rom")).isFalse();
        assertThat(QemuHost.hasProperty(QEMU_10_0, "rom")).isTrue();
        assertThat(QemuHost.hasProperty(QEMU_7_2, "readonly")).isTrue();
    }

    @Test
    void probesTheInstalledQemu() throws Exception {
        QemuHost q = QemuHost.probe();
        assertThat(q.version()).startsWith("QEMU emulator version");
        assertThat(q.toString()).contains(q.version());
    }
}
