package dev.wrenn.hostagent.vm;

import java.nio.file.Path;
import java.util.List;

/** QEMU's VMMs: {@code qemu-system-x86_64 -name NAME ...} with paths under the sandboxes dir. */
public final class QemuProcesses implements VmmProcesses {
    public static final QemuProcesses INSTANCE = new QemuProcesses();

    private QemuProcesses() {}

    @Override
    public String vmName(List<String> argv, Path sandboxesDir) {
        if (argv.isEmpty() || !argv.getFirst().endsWith(QemuEngine.QEMU)) return null;
        String ours = sandboxesDir.toAbsolutePath().normalize() + "/";
        if (argv.stream().noneMatch(a -> a.contains(ours))) return null;
        return nameArg(argv);
    }

    static String nameArg(List<String> argv) {
        for (int i = 0; i + 1 < argv.size(); i++) if (argv.get(i).equals("-name")) return argv.get(i + 1);
        return null;
    }

    @Override
    public boolean isProcessFile(String fileName) {
        return fileName.endsWith(".sock") || fileName.equals("qemu.pid");
    }
}
