package dev.wrenn.hostagent.vm;

import dev.wrenn.hostagent.host.HostCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The firmware a microvm boots with. QEMU's default for microvm is whatever {@code bios-microvm.bin}
 * it finds first on its firmware search path (/usr/share/qemu, then /usr/share/seabios): on Debian 12
 * the first is a link to qboot, Debian 13 has none there and so loads SeaBIOS's microvm build. SeaBIOS cannot start our
 * {@code -kernel} without the option ROMs we turn off (it ends in "No bootable device"), and is slower
 * anyway; so we pass qboot explicitly when the host has it, and otherwise let QEMU's default firmware
 * boot the kernel through its option ROMs.
 *
 * @param bios path for {@code -bios}, or null for QEMU's default firmware
 * @param optionRoms whether the machine needs {@code x-option-roms=on} (QEMU's default firmware)
 */
public record QemuFirmware(Path bios, boolean optionRoms) {
    static final String QBOOT = "qboot.rom";

    /** QEMU's default firmware with option ROMs: works wherever QEMU does, boots a little slower. */
    public static final QemuFirmware DEFAULT = new QemuFirmware(null, true);

    /** Looks for qboot on the search path the installed QEMU reports ({@code -L help}). */
    public static QemuFirmware find() throws IOException {
        return in(hostSearchPath());
    }

    /** The directories the installed QEMU loads firmware from (a confined VMM's root must hold them). */
    public static List<Path> hostSearchPath() throws IOException {
        return searchPath(HostCommand.check(QemuEngine.QEMU, "-L", "help"));
    }

    static QemuFirmware in(List<Path> searchPath) {
        for (Path dir : searchPath) {
            Path qboot = dir.resolve(QBOOT);
            if (Files.isRegularFile(qboot)) return new QemuFirmware(qboot, false);
        }
        return DEFAULT;
    }

    /** {@code -L help} prints one firmware directory per line (7.2 relative to its binary: /usr/bin/../share/qemu). */
    static List<Path> searchPath(String lHelpOutput) {
        return lHelpOutput
                .lines()
                .map(String::strip)
                .filter(l -> l.startsWith("/"))
                .map(l -> Path.of(l).normalize())
                .toList();
    }

    /** The machine options and arguments this firmware needs on the QEMU command line. */
    List<String> args() {
        return bios == null ? List.of() : List.of("-bios", bios.toString());
    }

    @Override
    public String toString() {
        return bios == null ? "QEMU's default with option ROMs (no " + QBOOT + " found)" : bios.toString();
    }
}
