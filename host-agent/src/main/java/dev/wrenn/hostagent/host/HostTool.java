package dev.wrenn.hostagent.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every program the host agent (and its tests) runs on the host, with the Debian package that ships
 * it. {@link HostCommand} refuses a program that is not declared here, so a new dependency cannot
 * slip in unnoticed: it fails the first test that reaches it, and {@code HostToolTest} checks that
 * every package below is installed by {@code scripts/install-deps.sh} or is part of every Debian
 * (priority required).
 */
public enum HostTool {
    IP("ip", "iproute2", Use.RUNTIME),
    NFT("nft", "nftables", Use.RUNTIME),
    QEMU_IMG("qemu-img", "qemu-utils", Use.RUNTIME),
    QEMU_SYSTEM("qemu-system-x86_64", "qemu-system-x86", Use.RUNTIME),
    // `sh` is only ever run inside a slot's namespace, to write its /proc/sys (ip netns exec NS sh -c ...).
    SH("sh", "dash", Use.RUNTIME),
    DU("du", "coreutils", Use.RUNTIME),
    TRUE("true", "coreutils", Use.RUNTIME),
    // The confined VMM's runtime tree (vm/jail): QEMU's libraries found by ldd, copied and made read-only.
    LDD("ldd", "libc-bin", Use.RUNTIME),
    CHMOD("chmod", "coreutils", Use.RUNTIME),
    RM("rm", "coreutils", Use.RUNTIME),
    MOUNT("mount", "mount", Use.TESTS),
    UMOUNT("umount", "mount", Use.TESTS),
    CHATTR("chattr", "e2fsprogs", Use.TESTS),
    // The proxy tests check that no connection to a destroyed sandbox's slot is left open.
    SS("ss", "iproute2", Use.TESTS),
    // The E2B SDK tests run the published SDK's scripts (compat/e2b) under Node.
    NODE("node", "nodejs", Use.TESTS);

    /** Whether the platform itself needs the tool, or only the test suite does. */
    public enum Use {
        RUNTIME,
        TESTS
    }

    private static final List<Path> SEARCH_PATH =
            List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin").stream()
                    .map(Path::of)
                    .toList();

    private final String command;
    private final String debianPackage;
    private final Use use;

    HostTool(String command, String debianPackage, Use use) {
        this.command = command;
        this.debianPackage = debianPackage;
        this.use = use;
    }

    public String command() {
        return command;
    }

    public String debianPackage() {
        return debianPackage;
    }

    public Use use() {
        return use;
    }

    public static Optional<HostTool> of(String command) {
        String name = Path.of(command).getFileName().toString();
        return Arrays.stream(values()).filter(t -> t.command.equals(name)).findFirst();
    }

    /** Whether the program is on this host: PATH first, then the usual system directories. */
    public boolean installed() {
        String path = System.getenv("PATH");
        var dirs = new java.util.ArrayList<Path>();
        if (path != null) for (String d : path.split(":")) if (!d.isEmpty()) dirs.add(Path.of(d));
        dirs.addAll(SEARCH_PATH);
        return dirs.stream().anyMatch(d -> Files.isExecutable(d.resolve(command)));
    }

    /** The one-line message a user gets when the tool is missing. */
    public String missingMessage() {
        return "'" + command + "' is not installed: install the Debian package " + debianPackage
                + " (./scripts/install-deps.sh installs everything Wrenn needs)";
    }

    /** Fails with one line naming the packages of every runtime tool this host lacks. */
    public static void requireRuntimeTools() {
        var missing = Arrays.stream(values())
                .filter(t -> t.use == Use.RUNTIME && !t.installed())
                .toList();
        if (missing.isEmpty()) return;
        String packages = String.join(
                " ", missing.stream().map(HostTool::debianPackage).distinct().toList());
        String commands =
                String.join(", ", missing.stream().map(HostTool::command).toList());
        throw new MissingHostToolException("missing host tools (" + commands + "): install the Debian packages "
                + packages + " (./scripts/install-deps.sh installs everything Wrenn needs)");
    }
}
