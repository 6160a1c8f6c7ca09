package dev.wrenn.hostagent.vm.jail;

import dev.wrenn.hostagent.host.HostCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The programs a jailed VMM's root holds, copied once at agent start into one read-only tree at the
 * paths the dynamic loader expects: QEMU, its shared libraries and modules (TCG is one), its
 * firmware, and the two tools the jail runs after pivot_root ({@code umount}, {@code setpriv}).
 * A copy rather than binds of the host's /usr: the VMM sees these files and nothing else of the host.
 */
public final class VmmRuntime {
    private final Path tree;
    private final List<Path> topDirs;

    private VmmRuntime(Path tree) throws IOException {
        this.tree = tree;
        try (Stream<Path> s = Files.list(tree)) {
            this.topDirs = s.map(p -> Path.of("/").resolve(p.getFileName().toString()))
                    .sorted()
                    .toList();
        }
    }

    public Path tree() {
        return tree;
    }

    /** The tree's top-level directories, each bound read-only at the same path in every jail. */
    public List<Path> topDirs() {
        return topDirs;
    }

    /** Builds {@code tree} afresh from the host's {@code qemu} and {@code firmwareDirs}. */
    public static VmmRuntime build(Path tree, String qemu, List<Path> firmwareDirs) throws IOException {
        HostCommand.check("rm", "-rf", tree.toString());
        Files.createDirectories(tree);
        Set<Path> files = new LinkedHashSet<>();
        for (String program : List.of(qemu, "setpriv", "umount")) {
            Path bin = which(program);
            files.add(bin);
            files.addAll(libraries(bin));
        }
        for (Path dir : new ArrayList<>(firmwareDirs)) addTree(dir, files);
        // Of QEMU's loadable modules only TCG is needed (display, audio and block modules are not).
        Path modules = Path.of("/usr/lib/x86_64-linux-gnu/qemu");
        if (Files.isDirectory(modules)) {
            try (Stream<Path> s = Files.list(modules)) {
                for (Path m : s.filter(m -> m.getFileName().toString().startsWith("accel-"))
                        .toList()) {
                    files.add(m);
                    files.addAll(libraries(m));
                }
            }
        }
        for (Path f : files) place(tree, f);
        HostCommand.check("chmod", "-R", "go-w", tree.toString());
        return new VmmRuntime(tree);
    }

    /**
     * A hard link where the file is the host's world-readable one on the same file system (instant, and a
     * link to a root-owned file gives the VMM nothing more), a copy otherwise. Links are followed: the
     * loader finds a library by the name ldd printed.
     */
    private static void place(Path tree, Path f) throws IOException {
        Path dst = tree.resolve(
                Path.of("/").relativize(f.toAbsolutePath().normalize()).toString());
        if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) return;
        Files.createDirectories(dst.getParent());
        Path real = f.toRealPath();
        var perms = Files.getPosixFilePermissions(real);
        boolean shareable = perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
                && !perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)
                && !perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
                && (Integer) Files.getAttribute(real, "unix:uid") == 0;
        if (shareable) {
            try {
                Files.createLink(dst, real);
                return;
            } catch (IOException | UnsupportedOperationException otherFileSystem) {
                // copied below
            }
        }
        Files.copy(real, dst, StandardCopyOption.COPY_ATTRIBUTES);
        HostCommand.check("chmod", "a+r", dst.toString());
    }

    static Path which(String program) throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return p.toAbsolutePath().normalize();
        }
        throw new IOException(program + " is not on PATH");
    }

    /** The shared objects ldd lists for {@code elf} (both "name => path" and the loader's own line). */
    static List<Path> libraries(Path elf) throws IOException {
        var r = HostCommand.run("ldd", elf.toString());
        List<Path> libs = new ArrayList<>();
        for (String line : r.stdout().lines().toList()) {
            for (String word : line.strip().split("\\s+")) {
                if (word.startsWith("/")) libs.add(Path.of(word));
            }
        }
        return libs;
    }

    private static void addTree(Path dir, Set<Path> files) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList())
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || isFileLink(p)) files.add(p);
        }
    }

    private static boolean isFileLink(Path p) {
        return Files.isSymbolicLink(p) && Files.isRegularFile(p);
    }
}
