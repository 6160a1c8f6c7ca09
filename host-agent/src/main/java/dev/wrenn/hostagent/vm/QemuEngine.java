package dev.wrenn.hostagent.vm;

import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.hostagent.vm.jail.VmmJailer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    /** Null: VMMs run unconfined, as the agent's own user. */
    private final VmmJailer jailer;

    public QemuEngine(AccelChoice accel, QemuHost qemu, VmmJailer jailer) {
        this.accel = accel;
        this.qemu = qemu;
        this.jailer = jailer;
    }

    public QemuEngine(AccelChoice accel, QemuHost qemu) {
        this(accel, qemu, null);
    }

    /** Whether this engine's VMMs run confined. */
    public boolean confined() {
        return jailer != null;
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
                // TCG's code cache defaults to 1 GiB; 128 MiB keeps a busy VMM inside its memory overhead.
                accel == Accel.KVM ? "kvm" : "tcg,thread=multi,tb-size=128",
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
        List<String> command;
        if (jailer == null) {
            command = argv(spec, accel.accel(), qemu);
        } else {
            VmSpec inCallersNetns = spec.inNetns(null);
            List<String> qemuArgv = new ArrayList<>(argv(inCallersNetns, accel.accel(), qemu));
            qemuArgv.addAll(QemuConfinement.SANDBOX);
            command = QemuConfinement.wrap(jailer, spec, accel.accel(), qemu, qemuArgv, teardown);
        }
        Process p = new ProcessBuilder(command)
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
        if (jailer != null) QemuConfinement.adopt(jailer, spec, pid, teardown);
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

    private static final Duration QMP_CONNECT = Duration.ofSeconds(10);

    // ---- Snapshottable ---------------------------------------------------------------------------

    @Override
    public void save(Vm vm, Path stateFile, RamMode mode, Hook whileStopped) throws IOException, InterruptedException {
        QemuVm q = (QemuVm) vm;
        try (QmpClient qmp = QmpClient.connect(q.spec.qmpSocket(), QMP_CONNECT)) {
            qmp.execute("stop");
            try {
                if (mode == RamMode.SHARED_FILE) {
                    QemuMigration.configureMigration(qmp, mode);
                    QemuMigration.streamOut(q, qmp, stateFile);
                } else {
                    // Device state only, whatever the RAM mapping: the caller captures the private RAM.
                    // QEMU writes this file itself, as the VMM's uid when confined.
                    QemuConfinement.giveToVmm(q.spec, stateFile.getParent());
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
                if (QemuMigration.isDiskFull(e)
                        || (e instanceof QmpClient.QmpException && QemuMigration.hasNoSpace(stateFile))) {
                    throw new DiskFullException(
                            "no space left on the host's disk for the sandbox state (" + stateFile.getParent()
                                    + "): the sandbox keeps running",
                            e);
                }
                throw e;
            }
        }
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
            QemuMigration.configureMigration(qmp, mode);
            var feeder = QemuMigration.streamIn(spec, qmp, stateFile);
            long deadline = System.nanoTime() + QemuMigration.MIGRATION_TIMEOUT.toNanos();
            while (true) {
                String status = qmp.execute("query-status").path("status").asString("");
                if (!status.equals("inmigrate")) break;
                String mig = qmp.execute("query-migrate").path("status").asString("");
                if (mig.equals("failed"))
                    throw new IOException("loading " + stateFile + " failed" + QemuMigration.feederError(feeder) + "\n"
                            + vm.diagnostics(10));
                if (System.nanoTime() > deadline) throw new IOException("loading " + stateFile + " did not complete");
                // Polling at 2 ms adds at most 2 ms to a restore; the VM's death is noticed here too.
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
}
