package dev.wrenn.hostagent.vm;

import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.storage.DurableFiles;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * One {@code qemu-system-x86_64 -M microvm} process per sandbox, started inside the sandbox's
 * network namespace so that it can open the slot's TAP. Guest RAM lives in a shared file-backed
 * memory backend under the sandbox directory: that is what pause/resume will map again later.
 */
public final class QemuEngine implements VmEngine, Snapshottable, Adoptable {
    private static final Disks DISKS = new QemuDisks();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(QemuEngine.class);
    public static final String QEMU = "qemu-system-x86_64";

    private final AccelChoice accel;
    private final QemuHost qemu;

    public QemuEngine(AccelChoice accel, QemuHost qemu) {
        this.accel = accel;
        this.qemu = qemu;
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
    public Disks disks() {
        return DISKS;
    }

    @Override
    public VmmProcesses processes() {
        return QemuProcesses.INSTANCE;
    }

    /** The full command line; {@code netns} may be null to run in the caller's namespace (probe, bench). */
    public static List<String> argv(VmSpec s, Accel accel, QemuHost qemu) {
        QemuFirmware firmware = qemu.firmware();
        List<String> a = new ArrayList<>();
        if (s.netns() != null) a.addAll(List.of("ip", "netns", "exec", s.netns()));
        String mem = s.memoryMb() + "M";
        a.addAll(List.of(
                QEMU,
                "-name",
                s.name(),
                "-machine",
                "microvm,acpi=on,x-option-roms=" + (firmware.optionRoms() ? "on" : "off")
                        + ",isa-serial=on,rtc=on,memory-backend=ram0,suppress-vmdesc=on"));
        a.addAll(firmware.args());
        a.addAll(List.of(
                "-accel",
                accel == Accel.KVM ? "kvm" : "tcg,thread=multi",
                "-cpu",
                accel == Accel.KVM ? "host" : "max",
                "-smp",
                Integer.toString(s.vcpus()),
                "-m",
                mem,
                "-object",
                "memory-backend-file,id=ram0,size=" + mem + ",mem-path=" + s.ramFile() + ","
                        + qemu.ramSharing(s.sharedMemory()),
                "-nodefaults",
                "-no-user-config",
                "-nographic",
                "-no-reboot",
                // Saved states are only ever loaded by this same QEMU with the same command line; the
                // device-state-only files of private-RAM VMs (xen-save-devices-state) carry neither.
                "-global",
                "migration.send-configuration=off",
                "-kernel",
                s.image().kernel().toString(),
                "-initrd",
                s.image().initrd().toString(),
                "-append",
                cmdline(s),
                "-serial",
                "file:" + s.dir().resolve("console.log"),
                "-qmp",
                "unix:" + s.dir().resolve("qmp.sock") + ",server=on,wait=off",
                "-pidfile",
                s.dir().resolve("qemu.pid").toString()));
        if (s.disk() != null) {
            a.addAll(List.of(
                    "-drive",
                    "id=root,file=" + s.disk() + ",format=qcow2,if=none,cache=unsafe,discard=unmap",
                    "-device",
                    "virtio-blk-device,drive=root"));
        }
        if (s.incoming()) a.addAll(List.of("-incoming", "defer"));
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
        Process p = new ProcessBuilder(argv(spec, accel.accel(), qemu))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        QemuVm vm = new QemuVm(p, p.toHandle(), spec, spec.dir().resolve("console.log"), stderr);
        teardown.add("qemu pid " + p.pid(), vm::kill);
        return vm;
    }

    /**
     * Takes over a QEMU that a previous agent started for {@code spec} (the agent died; the VMM did
     * not). Checks that {@code pid} is that VMM (its {@code -name}), and continues a guest the dead
     * agent had stopped half-way through a pause: the pause never committed, so the sandbox runs on.
     */
    @Override
    public Vm adopt(VmSpec spec, long pid, Teardown teardown) throws IOException, InterruptedException {
        ProcessHandle h = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new IOException("qemu pid " + pid + " is gone"));
        List<String> argv = dev.wrenn.hostagent.host.HostProcesses.argv(pid);
        if (argv.isEmpty() || !argv.getFirst().endsWith(QEMU) || !spec.name().equals(QemuProcesses.nameArg(argv))) {
            throw new IOException("pid " + pid + " is not the VMM of " + spec.name());
        }
        QemuVm vm = new QemuVm(
                null, h, spec, spec.dir().resolve("console.log"), spec.dir().resolve("qemu.log"));
        teardown.add("qemu pid " + pid, vm::kill);
        try (QmpClient qmp = QmpClient.connect(spec.qmpSocket(), QMP_CONNECT)) {
            String status = qmp.execute("query-status").path("status").asString("");
            if (!status.equals("running")) {
                try {
                    qmp.execute("migrate_cancel");
                } catch (IOException ignored) {
                    // no migration
                }
                qmp.execute("cont");
                log.info("{}: the guest was {} (a pause that never committed): continued", spec.name(), status);
            }
        }
        return vm;
    }

    static final class QemuVm implements Vm {
        /** Null for a VMM adopted from a previous agent (not our child). */
        private final Process process;

        private final ProcessHandle handle;
        final VmSpec spec;
        private final Path console;
        private final Path stderr;

        QemuVm(Process process, ProcessHandle handle, VmSpec spec, Path console, Path stderr) {
            this.process = process;
            this.handle = handle;
            this.spec = spec;
            this.console = console;
            this.stderr = stderr;
        }

        @Override
        public long pid() {
            return handle.pid();
        }

        @Override
        public boolean isAlive() {
            return handle.isAlive();
        }

        @Override
        public Path consoleLog() {
            return console;
        }

        @Override
        public String diagnostics(int lines) {
            StringBuilder sb = new StringBuilder();
            if (process != null && !process.isAlive())
                sb.append("qemu exited with ").append(process.exitValue()).append('\n');
            else if (!handle.isAlive()) sb.append("qemu exited\n");
            sb.append("--- qemu stderr (tail) ---\n").append(tail(stderr, lines));
            sb.append("--- guest console (tail) ---\n").append(tail(console, lines));
            return sb.toString();
        }

        void kill() throws Exception {
            // The sandbox is disposable: no guest shutdown, no flush. SIGKILL then reap.
            handle.destroyForcibly();
            if (process != null) {
                if (!process.waitFor(10, TimeUnit.SECONDS))
                    throw new IOException("qemu pid " + process.pid() + " did not die");
            } else {
                try {
                    handle.onExit().get(10, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    if (handle.isAlive()) throw new IOException("qemu pid " + handle.pid() + " did not die", e);
                }
            }
        }
    }

    // ---- Snapshottable -------------------------------------------------------------------------

    /** QEMU caps migration at 128 MiB/s by default; the "network" here is a local socket or pipe. */
    private static final long MAX_BANDWIDTH = 64L << 30;

    private static final Duration QMP_CONNECT = Duration.ofSeconds(10);
    private static final Duration MIGRATION_TIMEOUT = Duration.ofSeconds(120);

    @Override
    public void save(Vm vm, Path stateFile, RamMode mode, Hook whileStopped) throws IOException, InterruptedException {
        QemuVm q = (QemuVm) vm;
        try (QmpClient qmp = QmpClient.connect(q.spec.qmpSocket(), QMP_CONNECT)) {
            qmp.execute("stop");
            try {
                if (mode == RamMode.SHARED_FILE) {
                    configureMigration(qmp, mode);
                    streamOut(q, qmp, stateFile);
                } else {
                    // Device state only, whatever the RAM mapping: the caller captures the private RAM.
                    var args = QmpClient.args();
                    args.put("filename", stateFile.toString());
                    args.put("live", false);
                    qmp.execute("xen-save-devices-state", args);
                }
                DurableFiles.fsync(stateFile);
                if (whileStopped != null) whileStopped.run(vm);
                if (mode == RamMode.SHARED_FILE) DurableFiles.fsync(q.spec.ramFile());
                if (q.spec.disk() != null && Files.exists(q.spec.disk())) DurableFiles.fsync(q.spec.disk());
                DurableFiles.fsync(stateFile.getParent());
            } catch (IOException | RuntimeException e) {
                try {
                    qmp.execute("migrate_cancel");
                } catch (IOException ignored) {
                    // not migrating any more
                }
                try {
                    qmp.execute("cont");
                } catch (IOException ce) {
                    e.addSuppressed(ce);
                }
                Files.deleteIfExists(stateFile);
                if (isDiskFull(e) || (e instanceof QmpClient.QmpException && hasNoSpace(stateFile))) {
                    throw new DiskFullException(
                            "no space left on the host's disk for the sandbox state (" + stateFile.getParent()
                                    + "): the sandbox keeps running",
                            e);
                }
                throw e;
            }
        }
    }

    /** QEMU's own file errors do not always name the errno: is the file system (nearly) full? */
    private static boolean hasNoSpace(Path stateFile) {
        try {
            return Files.getFileStore(stateFile.getParent()).getUsableSpace() < (1L << 20);
        } catch (IOException e) {
            return false;
        }
    }

    private static void configureMigration(QmpClient qmp, RamMode mode) throws IOException {
        var caps = QmpClient.args();
        var list = caps.putArray("capabilities");
        var c = list.addObject();
        c.put("capability", "x-ignore-shared");
        c.put("state", mode == RamMode.SHARED_FILE);
        qmp.execute("migrate-set-capabilities", caps);
        var params = QmpClient.args();
        params.put("max-bandwidth", MAX_BANDWIDTH);
        qmp.execute("migrate-set-parameters", params);
    }

    /**
     * Migrates to a unix socket this JVM listens on and writes what arrives to {@code stateFile}: the
     * agent sees every write error itself (ENOSPC) and knows exactly when the last byte is on disk
     * (QEMU's exec: channel SIGTERMs a writer that has not exited yet when the migration ends).
     */
    private static void streamOut(QemuVm q, QmpClient qmp, Path stateFile) throws IOException, InterruptedException {
        Path sock = q.spec.dir().resolve("mig.sock");
        Files.deleteIfExists(sock);
        CompletableFuture<Long> written = new CompletableFuture<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Thread.ofVirtual().name("migrate-out-" + q.spec.name()).start(() -> {
                try (SocketChannel in = server.accept();
                        FileChannel out = FileChannel.open(
                                stateFile,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE,
                                StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
                    long total = 0;
                    while (in.read(buf) >= 0) {
                        buf.flip();
                        while (buf.hasRemaining()) total += out.write(buf);
                        buf.clear();
                    }
                    out.force(true);
                    written.complete(total);
                } catch (Throwable t) {
                    written.completeExceptionally(t);
                }
            });
            var args = QmpClient.args();
            args.put("uri", "unix:" + sock);
            qmp.execute("migrate", args);
            long deadline = System.nanoTime() + MIGRATION_TIMEOUT.toNanos();
            while (true) {
                JsonNode st = qmp.execute("query-migrate");
                String status = st.path("status").asString("");
                if (status.equals("completed")) break;
                if (status.equals("failed") || status.equals("cancelled")) {
                    IOException writerError = writerError(written);
                    IOException e = new IOException(
                            "migration " + status + ": " + st.path("error-desc").asString("")
                                    + (writerError == null ? "" : " (" + writerError.getMessage() + ")"),
                            writerError);
                    throw e;
                }
                if (written.isCompletedExceptionally()) {
                    IOException writerError = writerError(written);
                    throw new IOException("writing " + stateFile + ": " + writerError.getMessage(), writerError);
                }
                if (System.nanoTime() > deadline)
                    throw new IOException("migration did not complete within " + MIGRATION_TIMEOUT);
                Thread.sleep(2);
            }
            try {
                written.get(MIGRATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("state writer did not finish", e);
            }
        } finally {
            Files.deleteIfExists(sock);
        }
    }

    private static IOException writerError(CompletableFuture<Long> written) throws InterruptedException {
        try {
            written.get(200, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            return null;
        }
    }

    static boolean isDiskFull(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains("No space left on device")) return true;
            for (Throwable s : c.getSuppressed()) if (isDiskFull(s)) return true;
        }
        return false;
    }

    @Override
    public Vm restore(
            VmSpec spec, Path stateFile, RamMode mode, Teardown teardown, Hook beforeLoad, Hook beforeContinue)
            throws IOException, InterruptedException {
        if (!spec.incoming()) throw new IllegalArgumentException("restore needs an incoming VmSpec");
        QemuVm vm = (QemuVm) start(spec, teardown);
        try (QmpClient qmp = QmpClient.connect(spec.qmpSocket(), QMP_CONNECT)) {
            // QEMU has mapped guest RAM once QMP answers; with -incoming it has not written to it (no ROM
            // reset while in migration), so pages written now are what the guest finds.
            if (beforeLoad != null) beforeLoad.run(vm);
            configureMigration(qmp, mode);
            var args = QmpClient.args();
            args.put("uri", "exec:cat " + shellQuote(stateFile.toString()));
            qmp.execute("migrate-incoming", args);
            long deadline = System.nanoTime() + MIGRATION_TIMEOUT.toNanos();
            while (true) {
                String status = qmp.execute("query-status").path("status").asString("");
                if (!status.equals("inmigrate")) break;
                String mig = qmp.execute("query-migrate").path("status").asString("");
                if (mig.equals("failed"))
                    throw new IOException("loading " + stateFile + " failed\n" + vm.diagnostics(10));
                if (System.nanoTime() > deadline) throw new IOException("loading " + stateFile + " did not complete");
                Thread.sleep(2);
            }
            if (beforeContinue != null) beforeContinue.run(vm);
            qmp.execute("cont");
        } catch (IOException e) {
            if (!vm.isAlive())
                throw new IOException("VM exited while loading " + stateFile + "\n" + vm.diagnostics(10), e);
            throw e;
        }
        return vm;
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
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
