package dev.wrenn.hostagent.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuFirmwareTest {
    @Test
    void searchPathIsTheDirectoriesQemuPrints() {
        // What `qemu-system-x86_64 -L help` prints on Debian 13 (QEMU 10.0).
        String out = "/usr/share/qemu\n/usr/share/seabios\n/usr/lib/ipxe/qemu\n";
        assertThat(QemuFirmware.searchPath(out))
                .containsExactly(
                        Path.of("/usr/share/qemu"), Path.of("/usr/share/seabios"), Path.of("/usr/lib/ipxe/qemu"));
        // Debian 12's QEMU 7.2 prints its data directory relative to the binary.
        assertThat(QemuFirmware.searchPath("/usr/bin/../share/qemu\n/usr/share/seabios\n"))
                .containsExactly(Path.of("/usr/share/qemu"), Path.of("/usr/share/seabios"));
    }

    @Test
    void qbootIsFoundInAnyDirectoryOfTheSearchPath(@TempDir Path tmp) throws Exception {
        Path qemu = Files.createDirectories(tmp.resolve("qemu"));
        Path seabios = Files.createDirectories(tmp.resolve("seabios"));
        // Debian 13's layout: SeaBIOS's microvm build, and qboot under its own name only.
        Files.write(seabios.resolve("bios-microvm.bin"), new byte[16]);
        Files.write(seabios.resolve(QemuFirmware.QBOOT), new byte[16]);
        QemuFirmware f = QemuFirmware.in(List.of(qemu, seabios));
        assertThat(f.bios()).isEqualTo(seabios.resolve(QemuFirmware.QBOOT));
        assertThat(f.optionRoms()).isFalse();
        assertThat(f.args())
                .containsExactly("-bios", seabios.resolve(QemuFirmware.QBOOT).toString());
    }

    @Test
    void withoutQbootQemuKeepsItsDefaultFirmwareWithOptionRoms(@TempDir Path tmp) throws Exception {
        Files.write(tmp.resolve("bios-microvm.bin"), new byte[16]);
        QemuFirmware f = QemuFirmware.in(List.of(tmp));
        assertThat(f).isEqualTo(QemuFirmware.DEFAULT);
        assertThat(f.args()).isEmpty();
        assertThat(f.optionRoms()).isTrue();
    }
}
