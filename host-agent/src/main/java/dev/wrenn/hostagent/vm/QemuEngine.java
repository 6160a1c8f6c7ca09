package dev.wrenn.hostagent.vm;

import dev.wrenn.hostagent.host.HostCommand;
import dev.wrenn.hostagent.lifecycle.Teardown;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code qemu-system-x86_64 -M microvm} process per sandbox, started inside the sandbox's
 * network namespace so that it can open the slot's TAP. Guest RAM lives in a shared file-backed
 * memory backend under the sandbox directory: that is what pause/resume will map again later.
 */
public final class QemuEngine implements VmEngine {
    public static final String QEMU = "qemu-system-x86_64";

    private final AccelChoice accel;

    public QemuEngine(AccelChoice accel) {
        this.accel = accel;
    }

    @Override
    public String name() {
        return "qemu";
    }

    @Override
    public AccelChoice accel() {
        return accel;
    }

    @Override
    public void createOverlay(GuestImage image, Path overlay) throws IOException {
        HostCommand.check("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw",
                "-b", image.rootfs().toAbsolutePath().toString(), overlay.toString());
    }

    /** The full command line; {@code netns} may be null to run in the caller's namespace (probe, bench). */
    public static List<String> argv(VmSpec s, Accel accel) {
        List<String> a = new ArrayList<>();
        if (s.netns() != null) a.addAll(List.of("ip", "netns", "exec", s.netns()));
        String mem = s.memoryMb() + "M";
        a.addAll(List.of(
                QEMU,
                "-name", s.name(),
                "-machine", "microvm,acpi=on,x-option-roms=off,isa-serial=on,rtc=on,memory-backend=ram0",
                "-accel", accel == Accel.KVM ? "kvm" : "tcg,thread=multi",
                "-cpu", accel == Accel.KVM ? "host" : "max",
                "-smp", Integer.toString(s.vcpus()),
                "-m", mem,
                "-object", "memory-backend-file,id=ram0,size=" + mem + ",mem-path=" + s.dir().resolve("memory") + ",share=on",
                "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
                "-kernel", s.image().kernel().toString(),
                "-initrd", s.image().initrd().toString(),
                "-append", cmdline(s),
                "-serial", "file:" + s.dir().resolve("console.log"),
                "-qmp", "unix:" + s.dir().resolve("qmp.sock") + ",server=on,wait=off",
                "-pidfile", s.dir().resolve("qemu.pid").toString()));
        if (s.disk() != null) {
            a.addAll(List.of(
                    "-drive", "id=root,file=" + s.disk() + ",format=qcow2,if=none,cache=unsafe,discard=unmap",
                    "-device", "virtio-blk-device,drive=root"));
        }
        if (s.tap() != null) {
            a.addAll(List.of(
                    "-netdev", "tap,id=net0,ifname=" + s.tap() + ",script=no,downscript=no",
                    "-device", "virtio-net-device,netdev=net0,mac=" + s.mac()));
        }
        return a;
    }

    static String cmdline(VmSpec s) {
        String extra = s.extraCmdline() == null ? "" : s.extraCmdline().strip();
        return extra.isEmpty() ? s.image().baseCmdline() : s.image().baseCmdline() + " " + extra;
    }

    @Override
    public Vm start(VmSpec spec, Teardown teardown) throws IOException {
        Files.createDirectories(spec.dir());
        Path stderr = spec.dir().resolve("qemu.log");
        Process p = new ProcessBuilder(argv(spec, accel.accel()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        QemuVm vm = new QemuVm(p, spec.dir().resolve("console.log"), stderr);
        teardown.add("qemu pid " + p.pid(), vm::kill);
        return vm;
    }

    static final class QemuVm implements Vm {
        private final Process process;
        private final Path console;
        private final Path stderr;

        QemuVm(Process process, Path console, Path stderr) {
            this.process = process;
            this.console = console;
            this.stderr = stderr;
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public Path consoleLog() {
            return console;
        }

        @Override
        public String diagnostics(int lines) {
            StringBuilder sb = new StringBuilder();
            if (!process.isAlive()) sb.append("qemu exited with ").append(process.exitValue()).append('\n');
            sb.append("--- qemu stderr (tail) ---\n").append(tail(stderr, lines));
            sb.append("--- guest console (tail) ---\n").append(tail(console, lines));
            return sb.toString();
        }

        void kill() throws Exception {
            // The sandbox is disposable: no guest shutdown, no flush. SIGKILL then reap.
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) throw new IOException("qemu pid " + process.pid() + " did not die");
        }
    }

    public static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) return "(no " + file.getFileName() + ")\n";
            byte[] all = Files.readAllBytes(file);
            int from = Math.max(0, all.length - 16384);
            String s = new String(all, from, all.length - from, StandardCharsets.UTF_8);
            List<String> ls = s.lines().toList();
            List<String> last = ls.subList(Math.max(0, ls.size() - lines), ls.size());
            return last.isEmpty() ? "(empty)\n" : String.join("\n", last) + "\n";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")\n";
        }
    }
}
