package dev.wrenn.hostagent.vm.jail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line that starts one VMM confined: it joins the slot's network namespace and a new
 * private mount namespace, enters its cgroups, builds a root on a tmpfs that holds only the given
 * files (bound at their own paths, so every path on the QEMU command line and in /proc/PID/maps is
 * the same inside and out), pivot_roots into it, detaches the host's root, and execs QEMU through
 * setpriv as its pool uid with no capabilities, no bounding set and no_new_privs. Everything runs
 * by exec, so the pid the agent starts is the QEMU's.
 *
 * @param mountPoint an empty directory the private tmpfs root is mounted over
 * @param runtime the read-only tree of programs, bound at its top-level directories
 * @param readOnly files bound read-only (kernel, initramfs, base image, backing disks, template RAM)
 * @param readWrite the VM's own directory (overlay, RAM, state files, sockets, logs)
 * @param devices /dev nodes the VMM needs
 * @param groups supplementary gids (empty: none)
 */
public record VmmJail(
        Path mountPoint,
        Path runtime,
        List<Path> runtimeDirs,
        List<Path> readOnly,
        List<Path> readWrite,
        List<Path> devices,
        List<Path> cgroupDirs,
        int uid,
        List<Integer> groups) {

    /** {@code netns}: the slot's namespace, or null for the caller's. */
    public List<String> wrap(String netns, List<String> qemuArgv) {
        List<String> a = new ArrayList<>();
        if (netns != null) a.addAll(List.of("nsenter", "--net=/run/netns/" + netns, "--"));
        a.addAll(
                List.of("unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script(), "vmm-jail"));
        a.addAll(qemuArgv);
        return a;
    }

    /** The jail's steps; QEMU's argv follows as "$@" so it is never re-parsed by the shell. */
    String script() {
        StringBuilder s = new StringBuilder("set -e\n");
        // First, so that every byte and thread of what follows is counted against this VMM's limits.
        for (Path d : cgroupDirs)
            s.append("echo $$ > ")
                    .append(q(d.resolve("cgroup.procs").toString()))
                    .append('\n');
        String r = mountPoint.toString();
        s.append("mount -t tmpfs -o mode=755,size=256k,nosuid wrenn-vmm ")
                .append(q(r))
                .append('\n');
        Set<String> dirs = new LinkedHashSet<>();
        dirs.add(r + "/proc");
        Set<String> files = new LinkedHashSet<>();
        for (Path d : runtimeDirs) dirs.add(r + d);
        for (Path d : readWrite) {
            if (java.nio.file.Files.isDirectory(d)) dirs.add(r + d);
            else {
                dirs.add(r + d.getParent());
                files.add(r + d);
            }
        }
        for (Path f : readOnly) {
            dirs.add(r + f.getParent());
            files.add(r + f);
        }
        for (Path f : devices) dirs.add(r + f.getParent());
        s.append("mkdir -p");
        for (String d : dirs) s.append(' ').append(q(d));
        s.append('\n');
        for (String f : files) s.append(": > ").append(q(f)).append('\n');
        for (Path d : runtimeDirs) bind(s, runtime.resolve(d.getFileName().toString()), r + d, true);
        for (Path f : readOnly) bind(s, f, r + f, true);
        // A node of its own, owned by the pool uid: the host's may be root-only (0600 /dev/net/tun),
        // and chmod on a bound node would open the host's to every user.
        for (Path f : devices) node(s, f, r + f);
        if (!devices.isEmpty()) {
            s.append("chown ").append(uid).append(':').append(uid);
            for (Path f : devices) s.append(' ').append(q(r + f));
            s.append('\n');
        }
        for (Path d : readWrite) bind(s, d, r + d, false);
        // umount finds its mount in /proc/self/mountinfo: a proc for the next two steps only, then none.
        s.append("mount -t proc -o nosuid,nodev,noexec proc ")
                .append(q(r + "/proc"))
                .append('\n');
        // pivot_root ". ." stacks the old root on the new one; the lazy umount then takes the host away.
        s.append("cd ").append(q(r)).append("\npivot_root . .\numount -l .\numount /proc\ncd /\n");
        s.append("exec setpriv --reuid ").append(uid).append(" --regid ").append(uid);
        if (groups.isEmpty()) s.append(" --clear-groups");
        else {
            s.append(" --groups ");
            s.append(String.join(",", groups.stream().map(String::valueOf).toList()));
        }
        s.append(" --inh-caps=-all --bounding-set=-all --no-new-privs -- \"$@\"\n");
        return s.toString();
    }

    private static void bind(StringBuilder s, Path src, String dst, boolean readOnly) {
        s.append("mount --bind")
                .append(readOnly ? " -o ro " : " ")
                .append(q(src.toString()))
                .append(' ');
        s.append(q(dst)).append('\n');
    }

    private static void node(StringBuilder s, Path dev, String dst) {
        long rdev;
        try {
            rdev = (Long) java.nio.file.Files.getAttribute(dev, "unix:rdev");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("device " + dev, e);
        }
        // glibc's gnu_dev_major/minor: 12 bits of major and 20 of minor, split across the 64 bits.
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
        s.append("mknod -m 600 ")
                .append(q(dst))
                .append(" c ")
                .append(major)
                .append(' ')
                .append(minor)
                .append('\n');
    }

    static String q(String v) {
        return "'" + v.replace("'", "'\\''") + "'";
    }
}
