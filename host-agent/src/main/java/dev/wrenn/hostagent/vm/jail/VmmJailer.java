package dev.wrenn.hostagent.vm.jail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
            long mem = ((long) memoryMb + config.memoryOverheadMb()) << 20;
            List<Path> cg =
                    cgroups.create(name, new VmmCgroups.Limits(mem, vcpus, config.pidsMax(), config.ioWeight()));
            List<Path> devices = new ArrayList<>(BASE_DEVICES);
            if (tap) devices.add(Path.of("/dev/net/tun"));
            if (kvm) devices.add(Path.of("/dev/kvm"));
            List<Path> rw = new ArrayList<>(List.of(dir));
            // Writable files outside dir are bound one by one, read-write; the rest read-only.
            List<Path> ro = new ArrayList<>(readOnly);
            List<Integer> groups = writable.isEmpty() ? List.of() : List.of(config.templateGid());
            for (Path w : writable) {
                Files.setAttribute(w, "unix:gid", config.templateGid());
                HostCommandChmod.groupWritable(w);
            }
            VmmJail jail = new VmmJail(mountPoint, runtime.tree(), runtime.topDirs(), ro, rw, devices, cg, uid, groups);
            return new Confined(name, uid, withWritable(jail, writable));
        } catch (IOException | RuntimeException e) {
            ids.release(uid);
            throw e;
        }
    }

    private static VmmJail withWritable(VmmJail j, List<Path> writable) {
        if (writable.isEmpty()) return j;
        List<Path> rw = new ArrayList<>(j.readWrite());
        rw.addAll(writable);
        return new VmmJail(
                j.mountPoint(),
                j.runtime(),
                j.runtimeDirs(),
                j.readOnly(),
                rw,
                j.devices(),
                j.cgroupDirs(),
                j.uid(),
                j.groups());
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

    /** chmod g+w through the NIO view: the owner keeps its bits, the template group may open it for writing. */
    private static final class HostCommandChmod {
        static void groupWritable(Path p) throws IOException {
            var perms = Files.getPosixFilePermissions(p);
            perms.add(java.nio.file.attribute.PosixFilePermission.GROUP_READ);
            perms.add(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE);
            Files.setPosixFilePermissions(p, perms);
        }
    }
}
