package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.hostagent.vm.QmpClient;
import dev.wrenn.hostagent.vm.jail.VmmConfinement;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.ExecResponse;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a confined VMM is, read from the host's own /proc and cgroup files, and what it cannot do
 * even when asked through its monitor: two sandboxes, each QEMU under its own pool uid with no
 * capabilities, seccomp and no_new_privs, in a root that holds only its own files, inside a cgroup
 * whose limits bound it; a guest that hogs memory or spawns hundreds of processes stays inside.
 */
class VmmConfinementIT {
    static final int MEMORY_MB = 384;
    static final int VCPUS = 2;
    static AgentFixture fx;
    static Sandbox a;
    static Sandbox b;

    @BeforeAll
    static void boot() throws Exception {
        fx = AgentFixture.start();
        var fa = CompletableFuture.supplyAsync(() -> create("conf-a"));
        var fb = CompletableFuture.supplyAsync(() -> create("conf-b"));
        a = fa.get(200, TimeUnit.SECONDS);
        b = fb.get(200, TimeUnit.SECONDS);
    }

    static Sandbox create(String id) {
        return fx.blocking
                .withDeadlineAfter(150, TimeUnit.SECONDS)
                .createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId(id)
                        .setVcpus(VCPUS)
                        .setMemoryMb(MEMORY_MB)
                        .build());
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (fx != null) fx.close();
    }

    static ExecResponse exec(Sandbox sb, String script) {
        return fx.blocking
                .withDeadlineAfter(150, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(sb.getSandboxId())
                        .setCmd("/bin/sh")
                        .addAllArgs(List.of("-c", script))
                        .setTimeoutMs(120_000)
                        .build());
    }

    static Map<String, String> status(long pid) throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            int c = line.indexOf(':');
            if (c > 0) m.put(line.substring(0, c), line.substring(c + 1).strip());
        }
        return m;
    }

    /** The VM's own directory, from QEMU's command line (its QMP socket lives there). */
    static Path vmDir(long pid) throws IOException {
        String[] argv = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8)
                .split("\0");
        for (int i = 0; i + 1 < argv.length; i++) {
            if (argv[i].equals("-qmp")) {
                String v = argv[i + 1].substring("unix:".length());
                return Path.of(v.substring(0, v.indexOf(','))).getParent();
            }
        }
        throw new IOException("no -qmp on the command line of " + pid);
    }

    /** controller (or "" on v2) to the cgroup's directory under /sys/fs/cgroup. */
    static Map<String, Path> cgroups(long pid) throws IOException {
        Map<String, Path> m = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            String rel = f[2].substring(1);
            if (f[1].isEmpty()) m.put("", Path.of("/sys/fs/cgroup", rel));
            for (String c : f[1].split(",")) if (!c.isEmpty()) m.put(c, Path.of("/sys/fs/cgroup", c, rel));
        }
        return m;
    }

    static boolean v2() {
        return Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
    }

    static String read(Path p) throws IOException {
        return Files.readString(p).strip();
    }

    @Test
    void eachVmmRunsAsItsOwnUnprivilegedUid() throws Exception {
        VmmConfinement conf = VmmConfinement.DEFAULT;
        Map<String, String> sa = status(a.getVmmPid());
        Map<String, String> sb = status(b.getVmmPid());
        for (Map<String, String> s : List.of(sa, sb)) {
            String[] uids = s.get("Uid").split("\\s+");
            int uid = Integer.parseInt(uids[0]);
            assertThat(uid).isBetween(conf.idBase(), conf.idBase() + conf.idCount() - 1);
            assertThat(uids).containsOnly(uids[0]); // real, effective, saved and fs: no way back to root
            assertThat(s.get("Gid").split("\\s+")).containsOnly(uids[0]);
            assertThat(s.get("Groups")).isEqualTo(Integer.toString(conf.templateGid()));
            for (String cap : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"))
                assertThat(Long.parseLong(s.get(cap), 16)).as(cap).isZero();
            assertThat(s.get("NoNewPrivs")).isEqualTo("1");
            assertThat(s.get("Seccomp")).isEqualTo("2"); // filter mode: QEMU's -sandbox
        }
        assertThat(sa.get("Uid")).isNotEqualTo(sb.get("Uid"));
        // The VM's files are its VMM's alone.
        Path dir = vmDir(a.getVmmPid());
        assertThat((Integer) Files.getAttribute(dir, "unix:uid"))
                .isEqualTo(Integer.parseInt(sa.get("Uid").split("\\s+")[0]));
        assertThat(Files.getPosixFilePermissions(dir).toString()).doesNotContain("OTHERS");
    }

    @Test
    void vmmSeesOnlyItsOwnFiles() throws Exception {
        long pid = a.getVmmPid();
        Path root = Path.of("/proc/" + pid + "/root");
        Path ownDir = vmDir(pid);
        Path otherDir = vmDir(b.getVmmPid());
        assertThat(root.resolve(ownDir.toString().substring(1)).resolve("qmp.sock"))
                .exists();
        assertThat(root.resolve(otherDir.toString().substring(1))).doesNotExist();
        for (String hostPath : List.of("etc/passwd", "etc/shadow", "home", "var", "sys", "run", "boot"))
            assertThat(root.resolve(hostPath)).as(hostPath).doesNotExist();
        // Along the path to its own directory, nothing else of the agent's data (state, other sandboxes).
        for (Path p = ownDir; p.getParent() != null && p.getParent().getParent() != null; p = p.getParent()) {
            try (Stream<Path> s =
                    Files.list(root.resolve(p.getParent().toString().substring(1)))) {
                assertThat(s.map(x -> x.getFileName().toString()).toList())
                        .as(p.getParent().toString())
                        .containsExactly(p.getFileName().toString());
            }
        }
        // A mount point for the jail's set-up only: no proc (no other process, no host mounts to read).
        try (Stream<Path> s = Files.list(root.resolve("proc"))) {
            assertThat(s.toList()).isEmpty();
        }
        List<String> devs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root.resolve("dev"))) {
            s.filter(p -> !Files.isDirectory(p))
                    .forEach(p -> devs.add(root.resolve("dev").relativize(p).toString()));
        }
        assertThat(devs).containsExactlyInAnyOrder("null", "zero", "urandom", "random", "net/tun");
        // Every mount but the VM's own directory (and its device nodes' tmpfs root) is read-only.
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo"))) {
            String[] f = line.split(" ");
            String mountPoint = f[4];
            String opts = f[5];
            if (mountPoint.equals("/") || mountPoint.equals(ownDir.toString())) continue;
            assertThat(opts).as(line).startsWith("ro");
        }
    }

    @Test
    void vmmCannotOpenHostFilesEvenWhenAskedTo() throws Exception {
        // QMP is as much as a compromised VMM can ask of itself: its opens happen inside the jail.
        Path otherOverlay = Files.list(vmDir(b.getVmmPid()))
                .filter(p -> p.getFileName().toString().endsWith(".qcow2"))
                .findFirst()
                .orElseThrow();
        try (QmpClient qmp = QmpClient.connect(vmDir(a.getVmmPid()).resolve("qmp.sock"), Duration.ofSeconds(10))) {
            for (String target : List.of("/etc/shadow", otherOverlay.toString(), "/proc/1/environ")) {
                var args = QmpClient.args()
                        .put("driver", "file")
                        .put("node-name", "probe")
                        .put("filename", target);
                assertThatThrownBy(() -> qmp.execute("blockdev-add", args))
                        .as(target)
                        .isInstanceOf(QmpClient.QmpException.class)
                        .hasMessageContaining("No such file or directory");
            }
        }
        assertThat(exec(a, "echo still-here").getStdout().toStringUtf8()).isEqualTo("still-here\n");
    }

    @Test
    void cgroupHoldsTheVmmAndItsLimits() throws Exception {
        long pid = a.getVmmPid();
        Map<String, Path> cg = cgroups(pid);
        VmmConfinement conf = VmmConfinement.DEFAULT;
        long mem = (long) (MEMORY_MB + conf.memoryOverheadMb()) << 20;
        if (v2()) {
            Path d = cg.get("");
            assertThat(d.getFileName().toString()).contains("conf-a");
            assertThat(Long.parseLong(read(d.resolve("memory.max")))).isEqualTo(mem);
            assertThat(read(d.resolve("pids.max"))).isEqualTo(Integer.toString(conf.pidsMax()));
            assertThat(read(d.resolve("cpu.max"))).isEqualTo(VCPUS * 100_000 + " 100000");
            assertThat(read(d.resolve("cgroup.procs")).lines()).contains(Long.toString(pid));
        } else {
            Path m = cg.get("memory");
            assertThat(m.getFileName().toString()).contains("conf-a");
            assertThat(Long.parseLong(read(m.resolve("memory.limit_in_bytes")))).isEqualTo(mem);
            assertThat(read(cg.get("pids").resolve("pids.max"))).isEqualTo(Integer.toString(conf.pidsMax()));
            assertThat(Long.parseLong(read(cg.get("cpu").resolve("cpu.cfs_quota_us"))))
                    .isEqualTo(VCPUS * 100_000L);
            for (String c : List.of("memory", "pids", "cpu"))
                assertThat(read(cg.get(c).resolve("cgroup.procs")).lines())
                        .as(c)
                        .contains(Long.toString(pid));
        }
        // Its neighbour has a cgroup of its own.
        assertThat(cgroups(b.getVmmPid())).doesNotContainValue(cg.get(v2() ? "" : "memory"));
    }

    @Test
    void guestHogsStayInsideTheGuest() throws Exception {
        long pid = a.getVmmPid();
        int threadsBefore = Integer.parseInt(status(pid).get("Threads"));
        // Hundreds of guest processes are guest tasks, not host ones: the VMM's own count barely moves.
        ExecResponse spawned = exec(a, "for i in $(seq 400); do sleep 60 & done; sleep 1; ps -e | wc -l");
        assertThat(Integer.parseInt(spawned.getStdout().toStringUtf8().strip())).isGreaterThan(400);
        Map<String, String> s = status(pid);
        assertThat(Integer.parseInt(s.get("Threads")))
                .isLessThanOrEqualTo(VmmConfinement.DEFAULT.pidsMax())
                .isLessThan(threadsBefore + 16);
        // More memory than the guest has: the guest's OOM killer ends the hog, the VMM lives on.
        ExecResponse hog = exec(a, "pkill sleep; head -c 1200M /dev/zero | tail > /dev/null; echo exit=$?");
        assertThat(hog.getStdout().toStringUtf8()).startsWith("exit=").doesNotContain("exit=0");
        assertThat(Path.of("/proc/" + pid)).exists();
        Map<String, Path> cg = cgroups(pid);
        long limit = (long) (MEMORY_MB + VmmConfinement.DEFAULT.memoryOverheadMb()) << 20;
        long peak = v2()
                ? Long.parseLong(read(cg.get("").resolve("memory.peak")))
                : Long.parseLong(read(cg.get("memory").resolve("memory.max_usage_in_bytes")));
        assertThat(peak).isLessThanOrEqualTo(limit);
        assertThat(exec(a, "echo alive").getStdout().toStringUtf8()).isEqualTo("alive\n");
        assertThat(exec(b, "echo neighbour").getStdout().toStringUtf8()).isEqualTo("neighbour\n");
    }

    @Test
    void destroyReleasesTheUidAndTheCgroup() throws Exception {
        Sandbox c = create("conf-c");
        long pid = c.getVmmPid();
        String uid = status(pid).get("Uid").split("\\s+")[0];
        List<Path> dirs = List.copyOf(cgroups(pid).values().stream()
                .filter(p -> p.toString().contains("conf-c"))
                .toList());
        assertThat(dirs).isNotEmpty();
        fx.destroy("conf-c");
        assertThat(Path.of("/proc/" + pid)).doesNotExist();
        for (Path d : dirs) assertThat(d).doesNotExist();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<Long> left = procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> {
                        try {
                            return Files.getAttribute(p, "unix:uid").toString().equals(uid);
                        } catch (IOException | RuntimeException gone) {
                            return false;
                        }
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
            assertThat(left).as("processes of uid " + uid).isEmpty();
        }
    }
}
