package dev.wrenn.hostagent.vm.jail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Hands out what confines one VMM (a pool uid, a cgroup, a jail over its own files) and takes it
 * back when the VMM is gone. One per agent; {@code null} where confinement is off.
 */
public final class VmmJailer {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(VmmJailer.class);
    private static final List<Path> BASE_DEVICES =
            List.of(Path.of("/dev/null"), Path.of("/dev/zero"), Path.of("/dev/urandom"), Path.of("/dev/random"));

    /** What one confined VMM holds until it is gone. */
    public record Confined(String name, int uid, VmmJail jail) {}

    private final VmmConfinement config;
    private final VmmIds ids;
    private final VmmCgroups cgroups;
    private final VmmRuntime runtime;
    private final Path mountPoint;

    public VmmJailer(VmmConfinement config, VmmCgroups cgroups, VmmRuntime runtime, Path mountPoint) {
        this.config = config;
        this.ids = new VmmIds(config.idBase(), config.idCount());
        this.cgroups = cgroups;
        this.runtime = runtime;
        this.mountPoint = mountPoint;
    }

    public VmmConfinement config() {
        return config;
    }

    public VmmCgroups cgroups() {
        return cgroups;
    }

    public VmmIds ids() {
        return ids;
    }

    /**
     * Takes a uid, gives {@code dir} (the VM's own files) to it, and creates the cgroup. The caller
     * releases the result with {@link #release} once the VMM is dead, or if it never starts.
     *
     * @param readOnly files outside {@code dir} the VMM reads
     * @param writable files outside {@code dir} it must open read-write (a template's RAM on old QEMUs)
     */
    public Confined confine(
            String name,
            Path dir,
            int vcpus,
            int memoryMb,
            List<Path> readOnly,
            List<Path> writable,
            boolean tap,
            boolean kvm)
            throws IOException {
        int uid = ids.take();
        try {
            chownTree(dir, uid);
            // Its overlay and RAM are the guest's data: no other user on the host reads them.
            Files.setPosixFilePermissions(
                    dir,
                    EnumSet.of(
                            PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.OWNER_EXECUTE));
            long mem = ((long) memoryMb + config.memoryOverheadMb()) << 20;
            List<Path> cg =
                    cgroups.create(name, new VmmCgroups.Limits(mem, vcpus, config.pidsMax(), config.ioWeight()));
            List<Path> devices = new ArrayList<>(BASE_DEVICES);
            if (tap) devices.add(Path.of("/dev/net/tun"));
            if (kvm) devices.add(Path.of("/dev/kvm"));
            List<Path> rw = new ArrayList<>(List.of(dir));
            rw.addAll(writable);
            // Files outside dir are shared (an image, a template): root keeps them, the VMMs read them
            // through the template group where others may not, and write only those in `writable`.
            for (Path r : readOnly) shareWithVmms(r, false);
            for (Path w : writable) shareWithVmms(w, true);
            List<Integer> groups = List.of(config.templateGid());
            VmmJail jail =
                    new VmmJail(mountPoint, runtime.tree(), runtime.topDirs(), readOnly, rw, devices, cg, uid, groups);
            return new Confined(name, uid, jail);
        } catch (IOException | RuntimeException e) {
            try {
                cgroups.remove(name);
            } catch (IOException | InterruptedException | RuntimeException ce) {
                e.addSuppressed(ce);
                if (ce instanceof InterruptedException) Thread.currentThread().interrupt();
            }
            ids.release(uid);
            throw e;
        }
    }

    /** Re-takes the uid of a VMM a previous agent started ({@code /proc/PID/status}); null if unconfined. */
    public Confined adopt(String name, long pid) throws IOException {
        int uid = uidOf(pid);
        if (uid == 0) return null;
        if (!ids.take(uid)) throw new IOException("VMM pid " + pid + " runs as uid " + uid + ", not a free pool id");
        return new Confined(name, uid, null);
    }

    /** After the VMM is dead: its cgroup goes, its uid returns to the pool. */
    public void release(Confined c) throws IOException, InterruptedException {
        try {
            cgroups.remove(c.name());
        } finally {
            ids.release(c.uid());
        }
    }

    /** Gives {@code path} (a VM's state dir, a migration socket) to the VMM's uid. */
    public static void chownTree(Path root, int uid) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                Files.setAttribute(p, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    public static int uidOf(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Uid:"))
                return Integer.parseInt(line.substring(4).strip().split("\\s+")[0]);
        }
        throw new IOException("no Uid line for pid " + pid);
    }

    /** Builds the agent's jailer: the runtime tree, the jails' mount point, the host's cgroups. */
    public static VmmJailer create(
            VmmConfinement config, Path agentDir, String prefix, String qemu, List<Path> firmwareDirs)
            throws IOException {
        VmmCgroups cgroups = VmmCgroups.host();
        int reclaimed = cgroups.reclaim(prefix);
        Path mount = agentDir.resolve("vmm-root");
        Files.createDirectories(mount);
        VmmRuntime runtime = VmmRuntime.build(agentDir.resolve("vmm-runtime"), qemu, firmwareDirs);
        log.info(
                "VMM confinement on: uids {}..{}, cgroup {}, +{} MB memory, pids.max {}, io weight {}"
                        + " ({} leftover cgroup(s) removed)",
                config.idBase(),
                config.idBase() + config.idCount() - 1,
                cgroups.version(),
                config.memoryOverheadMb(),
                config.pidsMax(),
                config.ioWeight(),
                reclaimed);
        return new VmmJailer(config, cgroups, runtime, mount);
    }

    private void shareWithVmms(Path p, boolean write) throws IOException {
        // A template's files were its sandbox's VMM's: that uid may be handed to another sandbox later.
        if ((Integer) Files.getAttribute(p, "unix:uid") != 0) Files.setAttribute(p, "unix:uid", 0);
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        if (!write && perms.contains(PosixFilePermission.OTHERS_READ)) return;
        Files.setAttribute(p, "unix:gid", config.templateGid());
        Set<PosixFilePermission> want = EnumSet.copyOf(perms);
        want.add(PosixFilePermission.GROUP_READ);
        if (write) want.add(PosixFilePermission.GROUP_WRITE);
        if (!want.equals(perms)) Files.setPosixFilePermissions(p, want);
    }
}
