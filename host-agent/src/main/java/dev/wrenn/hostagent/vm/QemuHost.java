package dev.wrenn.hostagent.vm;

import dev.wrenn.hostagent.host.HostCommand;
import java.io.IOException;

/**
 * What the installed QEMU offers, probed once at start-up from the binary itself (never from the
 * distribution's name): hosts run Debian 12's QEMU 7.2 or Debian 13's 10.0, and the command line
 * differs where they do.
 *
 * @param version first line of {@code --version}, for the log and for error messages
 * @param firmware what microvm boots with (differs between the two, see {@link QemuFirmware})
 * @param readOnlyPrivateRam whether memory-backend-file has the {@code rom} property (QEMU 8.2+):
 *     then {@code readonly=on,rom=off,share=off} opens a template's RAM file read-only and still maps
 *     it writable copy-on-write, so a clone's QEMU cannot write to the template even by mistake; 7.2
 *     refuses readonly with share=off and needs the file opened read-write
 */
public record QemuHost(String version, QemuFirmware firmware, boolean readOnlyPrivateRam) {

    public static QemuHost probe() throws IOException {
        String version = HostCommand.check(QemuEngine.QEMU, "--version")
                .lines()
                .findFirst()
                .orElse("")
                .strip();
        String backend = HostCommand.check(QemuEngine.QEMU, "-object", "memory-backend-file,help");
        return new QemuHost(version, QemuFirmware.find(), hasProperty(backend, "rom"));
    }

    /** {@code -object TYPE,help} lists one property per line: {@code "  name=<type> - description"}. */
    static boolean hasProperty(String objectHelp, String name) {
        return objectHelp.lines().anyMatch(l -> l.strip().startsWith(name + "="));
    }

    /** The memory backend's sharing options for a VM whose RAM is (not) shared. */
    String ramSharing(boolean shared) {
        if (shared) return "share=on";
        return readOnlyPrivateRam ? "share=off,readonly=on,rom=off" : "share=off";
    }

    @Override
    public String toString() {
        return version + "; microvm firmware " + firmware
                + (readOnlyPrivateRam ? "; template RAM opened read-only" : "");
    }
}
