package dev.wrenn.hostagent.vm.jail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmmJailPartsTest {
    @Test
    void idsAreReusedAfterReleaseAndAdoptedIdsAreTaken() {
        VmmIds ids = new VmmIds(200_000, 2);
        assertEquals(200_000, ids.take());
        assertTrue(ids.take(200_001));
        assertFalse(ids.take(200_001));
        assertThrows(IllegalStateException.class, ids::take);
        ids.release(200_000);
        assertEquals(200_000, ids.take());
        assertFalse(ids.take(7));
    }

    @Test
    void v2LimitsAreWrittenWhereTheControllersAre(@TempDir Path root) throws Exception {
        // A fake v2 root: the files a kernel would create in a new cgroup.
        Files.writeString(root.resolve("cgroup.subtree_control"), "");
        Path d = root.resolve("wrn-abc");
        Files.createDirectories(d);
        for (String f : List.of("memory.max", "cpu.max", "pids.max", "io.weight")) Files.writeString(d.resolve(f), "");
        VmmCgroups cg = new VmmCgroups(root, true);
        cg.create("wrn-abc", new VmmCgroups.Limits(768L << 20, 2, 128, 100));
        assertEquals(Long.toString(768L << 20), Files.readString(d.resolve("memory.max")));
        assertEquals("200000 100000", Files.readString(d.resolve("cpu.max")));
        assertEquals("128", Files.readString(d.resolve("pids.max")));
        assertEquals("default 100", Files.readString(d.resolve("io.weight")));
        assertEquals(List.of(d), cg.dirs("wrn-abc"));
    }

    @Test
    void scriptJoinsCgroupsFirstAndDropsEverythingAtExec() {
        VmmJail j = new VmmJail(
                Path.of("/data/vmm-root"),
                Path.of("/data/rt"),
                List.of(Path.of("/usr")),
                List.of(Path.of("/img/vmlinux")),
                List.of(Path.of("/data/sb/wrn-1")),
                List.of(Path.of("/dev/null")),
                List.of(Path.of("/sys/fs/cgroup/memory/wrn-1")),
                200_005,
                List.of());
        String s = j.script();
        assertTrue(s.indexOf("cgroup.procs") < s.indexOf("mount -t tmpfs"), s);
        assertTrue(s.contains("mount --bind -o ro '/img/vmlinux' '/data/vmm-root/img/vmlinux'"), s);
        assertTrue(s.contains("mount --bind -o ro '/data/rt/usr' '/data/vmm-root/usr'"), s);
        assertTrue(s.contains("pivot_root . .\numount -l ."), s);
        assertTrue(
                s.contains("setpriv --reuid 200005 --regid 200005 --clear-groups --inh-caps=-all"
                        + " --bounding-set=-all --no-new-privs -- \"$@\""),
                s);
        assertEquals(
                List.of("nsenter", "--net=/run/netns/ns1", "--"),
                j.wrap("ns1", List.of("q")).subList(0, 3));
    }
}
