package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.hostagent.memory.MemoryDiff;
import dev.wrenn.hostagent.sandbox.Reclaimer;
import dev.wrenn.hostagent.sandbox.TemplateStore;
import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.hostagent.vm.QemuProcesses;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.DeleteTemplateRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.ExecResponse;
import dev.wrenn.proto.hostagent.v1.GetSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ListSandboxesRequest;
import dev.wrenn.proto.hostagent.v1.ListTemplatesRequest;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import dev.wrenn.proto.hostagent.v1.SandboxState;
import dev.wrenn.proto.hostagent.v1.SnapshotSandboxRequest;
import dev.wrenn.proto.hostagent.v1.Template;
import dev.wrenn.proto.hostagent.v1.TemplateType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Pause, resume, templates and clones on real VMs (TCG). One cold boot for the whole class: the
 * template and its clone are restores, not boots. Methods run in order and share the sandboxes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxSnapshotIT {
    static AgentFixture f;
    static final String COUNTER = "i=0; while true; do i=$((i+1)); echo $i > /root/count.tmp; mv /root/count.tmp"
            + " /root/count; sleep 0.2; done";

    @BeforeAll
    static void boot() throws Exception {
        f = AgentFixture.start();
        f.create("snap-a");
        ExecResponse r =
                exec("snap-a", "sh", "-c", "setsid sh -c '" + COUNTER + "' </dev/null >/dev/null 2>&1 & echo started");
        assertThat(r.getExitCode()).isZero();
    }

    @AfterAll
    static void close() throws Exception {
        if (f != null) f.close();
    }

    static ExecResponse exec(String id, String cmd, String... args) {
        return f.blocking
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(id)
                        .setCmd(cmd)
                        .addAllArgs(List.of(args))
                        .build());
    }

    static String out(String id, String script) {
        ExecResponse r = exec(id, "sh", "-c", script);
        assertThat(r.getExitCode()).as(r.getStderr().toStringUtf8()).isZero();
        return r.getStdout().toStringUtf8().strip();
    }

    static int count(String id) {
        // The counter replaces the file by rename, so a read never sees it half-written.
        return Integer.parseInt(out(id, "sleep 0.5; cat /root/count"));
    }

    static Sandbox pause(String id) {
        return f.blocking
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .pauseSandbox(PauseSandboxRequest.newBuilder().setSandboxId(id).build());
    }

    static Sandbox resume(String id) {
        return f.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .resumeSandbox(
                        ResumeSandboxRequest.newBuilder().setSandboxId(id).build());
    }

    static Status.Code code(Runnable r) {
        try {
            r.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    @Order(1)
    void pauseKeepsProcessesAndFilesAndReleasesTheVm() throws Exception {
        int before = count("snap-a");
        out("snap-a", "echo written-before-pause > /root/before && sync");
        Sandbox running = f.blocking.getSandbox(
                GetSandboxRequest.newBuilder().setSandboxId("snap-a").build());
        long t0 = System.nanoTime();
        Sandbox paused = pause("snap-a");
        long pauseMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(paused.getState()).isEqualTo(SandboxState.SANDBOX_STATE_PAUSED);
        assertThat(paused.getVmmPid()).isZero();
        assertThat(ProcessHandle.of(running.getVmmPid())
                        .map(ProcessHandle::isAlive)
                        .orElse(false))
                .isFalse();
        assertThat(f.blocking
                        .listSandboxes(ListSandboxesRequest.getDefaultInstance())
                        .getSandboxesList())
                .anyMatch(s -> s.getSandboxId().equals("snap-a") && s.getState() == SandboxState.SANDBOX_STATE_PAUSED);
        assertThat(f.agent.sandboxes().capacity().snapshot().usedMemoryMb()).isZero();
        // Not running: exec, pause fail; resume of a running one fails later.
        assertThat(code(() -> exec("snap-a", "true"))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(code(() -> pause("snap-a"))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        // Stay paused a while, so that a guest clock left stale by the pause would visibly lag below.
        Thread.sleep(1500);
        long t1 = System.nanoTime();
        Sandbox resumed = resume("snap-a");
        exec("snap-a", "true");
        long resumeMs = (System.nanoTime() - t1) / 1_000_000;
        System.out.printf("pause %d ms, resume to first exec %d ms%n", pauseMs, resumeMs);
        assertThat(resumed.getState()).isEqualTo(SandboxState.SANDBOX_STATE_RUNNING);
        assertThat(out("snap-a", "cat /root/before")).isEqualTo("written-before-pause");
        int after = count("snap-a");
        assertThat(after).isGreaterThan(before);
        // The clock was reset to the host's (it lagged by the paused time otherwise).
        long guestMs = Long.parseLong(out("snap-a", "date +%s")) * 1000;
        assertThat(Math.abs(guestMs - System.currentTimeMillis())).isLessThan(3000);
        assertThat(code(() -> resume("snap-a"))).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    @Order(2)
    void twentyCyclesKeepEveryWrite() {
        for (int i = 0; i < 20; i++) {
            out("snap-a", "echo " + i + " >> /root/cycles");
            pause("snap-a");
            resume("snap-a");
        }
        String all = out("snap-a", "cat /root/cycles");
        assertThat(all.lines().toList())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20)
                        .mapToObj(Integer::toString)
                        .toList());
        int c1 = count("snap-a");
        assertThat(count("snap-a")).isGreaterThan(c1);
    }

    @Test
    @Order(3)
    void templateAndCloneNeverTouchTheTemplate() throws Exception {
        out("snap-a", "echo template-file > /root/tpl && sync");
        Template t = f.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .snapshotSandbox(SnapshotSandboxRequest.newBuilder()
                        .setSandboxId("snap-a")
                        .setName("tpl-it")
                        .build());
        assertThat(t.getType()).isEqualTo(TemplateType.TEMPLATE_TYPE_SNAPSHOT);
        assertThat(t.getMemoryMb()).isEqualTo(512);
        assertThat(t.getSizeBytes()).isPositive();
        // The sandbox is gone.
        assertThat(code(() -> f.blocking.getSandbox(
                        GetSandboxRequest.newBuilder().setSandboxId("snap-a").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> f.blocking.snapshotSandbox(SnapshotSandboxRequest.newBuilder()
                        .setSandboxId("nope")
                        .setName("tpl-it")
                        .build())))
                .isEqualTo(Status.Code.ALREADY_EXISTS);
        List<Template> all = f.blocking
                .listTemplates(ListTemplatesRequest.getDefaultInstance())
                .getTemplatesList();
        assertThat(all)
                .anyMatch(x -> x.getName().equals("tpl-it") && x.getType() == TemplateType.TEMPLATE_TYPE_SNAPSHOT);
        assertThat(all).anyMatch(x -> x.getType() == TemplateType.TEMPLATE_TYPE_BASE && x.getSizeBytes() > 0);

        Map<Path, String> sums = templateSums();
        assertThat(sums).hasSize(5); // memory, state, disk.qcow2, template.json, current
        long t0 = System.nanoTime();
        Sandbox clone = f.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId("clone-1")
                        .setTemplate("tpl-it")
                        .setMemoryMb(128)
                        .setVcpus(2)
                        .build());
        exec("clone-1", "true");
        System.out.printf("create from template to first exec %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(clone.getMemoryMb()).isEqualTo(512);
        assertThat(clone.getVcpus()).isEqualTo(1);
        assertThat(clone.getTemplate()).isEqualTo("tpl-it");
        // Where QEMU can (8.2+), the clone's VMM holds the template's RAM file open read-only.
        int accessMode = SnapshotFiles.accessMode(
                clone.getVmmPid(), templateGen("tpl-it").resolve("memory"));
        assertThat(accessMode)
                .isEqualTo(dev.wrenn.hostagent.vm.QemuHost.probe().readOnlyPrivateRam() ? 0 : 2); // O_RDONLY : O_RDWR
        assertThat(out("clone-1", "cat /root/tpl /root/before")).isEqualTo("template-file\nwritten-before-pause");
        // The counting process was in the template's memory: it counts on in the clone.
        int c = count("clone-1");
        assertThat(count("clone-1")).isGreaterThan(c);
        out(
                "clone-1",
                "echo clone-write > /root/clone && dd if=/dev/urandom of=/root/blob bs=1M count=8 2>/dev/null && sync");

        // Pause/resume of a clone: its RAM is a private mapping of the template's; a pause stores only
        // the pages it changed, as memory generation 1 over the template's RAM file.
        pause("clone-1");
        Path dir = cloneDir("clone-1");
        List<Path> diffs = SnapshotFiles.diffs(dir);
        assertThat(diffs).hasSize(1);
        assertThat(dir.resolve("memory")).doesNotExist();
        MemoryDiff.Header h1 = MemoryDiff.readHeader(diffs.getFirst());
        assertThat(h1.generation()).isEqualTo(1);
        assertThat(h1.base()).isEqualTo(templateGen("tpl-it").resolve("memory"));
        long ramBytes = 512L << 20;
        System.out.printf(
                "paused clone: memory generation 1 holds %d pages (%d MB), sandbox dir %d MB%n",
                h1.storedPages(), Files.size(diffs.getFirst()) >> 20, DurableFiles.diskUsage(dir) >> 20);
        assertThat(h1.storedPages()).isPositive();
        assertThat(Files.size(diffs.getFirst())).isLessThan(ramBytes / 4);
        assertThat(DurableFiles.diskUsage(dir)).isLessThan(ramBytes / 4);
        resume("clone-1");
        assertThat(out("clone-1", "cat /root/clone")).isEqualTo("clone-write");
        c = count("clone-1");
        assertThat(count("clone-1")).isGreaterThan(c);
        // ... and again: generation 2 holds only what changed since generation 1.
        out("clone-1", "echo second > /root/second");
        pause("clone-1");
        List<Path> two = SnapshotFiles.diffs(dir);
        assertThat(two).hasSize(2).contains(diffs.getFirst());
        MemoryDiff.Header h2 = MemoryDiff.readHeader(SnapshotFiles.newest(two));
        assertThat(h2.generation()).isEqualTo(2);
        assertThat(h2.parents()).containsExactly(diffs.getFirst());
        assertThat(h2.storedPages()).isLessThan(h1.storedPages());
        resume("clone-1");
        assertThat(out("clone-1", "cat /root/clone /root/second")).isEqualTo("clone-write\nsecond");
        assertThat(templateSums()).isEqualTo(sums);
    }

    @Test
    @Order(4)
    void aClonesGenerationsAreCompactedBeforeTheChainGrowsLong() throws Exception {
        Path dir = cloneDir("clone-1");
        List<Integer> generations = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            out("clone-1", "echo " + i + " >> /root/clone-cycles");
            pause("clone-1");
            generations.add(MemoryDiff.readHeader(SnapshotFiles.newest(SnapshotFiles.diffs(dir)))
                    .generation());
            assertThat(SnapshotFiles.diffs(dir)).hasSize(generations.getLast());
            resume("clone-1");
        }
        // Generations 3 and 4, then the four are folded into one generation 1.
        assertThat(generations).containsExactly(3, 4, 1, 2);
        assertThat(out("clone-1", "cat /root/clone /root/second /root/clone-cycles"))
                .isEqualTo("clone-write\nsecond\n0\n1\n2\n3");
        int c = count("clone-1");
        assertThat(count("clone-1")).isGreaterThan(c);
    }

    static Path cloneDir(String id) {
        return f.agent
                .config()
                .sandboxesDir()
                .resolve(AgentFixture.PREFIX + id)
                .toAbsolutePath()
                .normalize();
    }

    static Path templateGen(String name) throws Exception {
        Path t = f.dataDir.resolve("templates").resolve(name).toAbsolutePath().normalize();
        return t.resolve(Files.readString(t.resolve("current")).strip());
    }

    @Test
    @Order(5)
    void overwriteWithATemplateOfACloneKeepsOlderClonesWorking() throws Exception {
        Path oldGen;
        try (Stream<Path> s = Files.list(f.dataDir.resolve("templates").resolve("tpl-it"))) {
            oldGen = s.filter(p -> p.getFileName().toString().startsWith("gen-"))
                    .findFirst()
                    .orElseThrow();
        }
        f.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId("clone-2")
                        .setTemplate("tpl-it")
                        .build());
        out("clone-2", "echo second-generation > /root/gen2 && sync");
        f.blocking
                .withDeadlineAfter(180, TimeUnit.SECONDS)
                .snapshotSandbox(SnapshotSandboxRequest.newBuilder()
                        .setSandboxId("clone-2")
                        .setName("tpl-it")
                        .setOverwrite(true)
                        .build());
        // clone-1 (paused/resumed, its disk backed by the old generation) still works; the old generation stays.
        assertThat(oldGen).exists();
        assertThat(out("clone-1", "cat /root/clone")).isEqualTo("clone-write");
        f.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId("clone-3")
                        .setTemplate("tpl-it")
                        .build());
        assertThat(out("clone-3", "cat /root/gen2 /root/tpl")).isEqualTo("second-generation\ntemplate-file");
        f.destroy("clone-3");
    }

    @Test
    @Order(6)
    void destroyWhilePausedRemovesEverything() throws Exception {
        Sandbox before = f.blocking.getSandbox(
                GetSandboxRequest.newBuilder().setSandboxId("clone-1").build());
        pause("clone-1");
        Path dir = f.agent.config().sandboxesDir().resolve(AgentFixture.PREFIX + "clone-1");
        assertThat(dir).exists();
        f.destroy("clone-1");
        assertThat(dir).doesNotExist();
        var scan = new Reclaimer(
                        QemuProcesses.INSTANCE,
                        AgentFixture.PREFIX,
                        f.agent.config().sandboxesDir())
                .scan();
        assertThat(scan.processes()).isEmpty();
        assertThat(scan.namespaces()).isEmpty();
        assertThat(scan.links()).noneMatch(l -> l.equals(AgentFixture.PREFIX + "h" + before.getSlot()));
        assertThat(scan.dirs()).isEmpty();
        assertThat(scan.paused()).isEmpty();
        assertThat(f.agent.sandboxes().capacity().snapshot().usedMemoryMb()).isZero();
        // The old template generation outlives its last clone: the current one (made from a clone of
        // it) is a memory generation over its RAM and a disk overlay over its disk.
        Path current = templateGen("tpl-it");
        try (Stream<Path> s = Files.list(f.dataDir.resolve("templates").resolve("tpl-it"))) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("gen-"))
                            .count())
                    .isEqualTo(2);
        }
        TemplateStore.Template t = TemplateStore.readGen(current);
        assertThat(t.dependsOn()).hasSize(1);
        assertThat(current.resolve("memory")).doesNotExist();
        assertThat(t.memoryChain()).containsExactly(current.resolve("memory.diff"));
        assertThat(t.memoryBase()).isEqualTo(t.dependsOn().getFirst().resolve("memory"));
        System.out.printf(
                "template made from a clone: %d MB on disk (memory generation %d pages)%n",
                DurableFiles.diskUsage(current) >> 20,
                MemoryDiff.readHeader(current.resolve("memory.diff")).storedPages());
        assertThat(DurableFiles.diskUsage(current)).isLessThan(128L << 20);
        // The current generation (made from a clone) stores only its differences from the old one.
        f.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId("clone-4")
                        .setTemplate("tpl-it")
                        .putEnvVars("CLONE_SETUP", "from-create")
                        .setDefaultWorkdir("/var/tmp")
                        .build());
        assertThat(out("clone-4", "cat /root/gen2 /root/tpl /root/before"))
                .isEqualTo("second-generation\ntemplate-file\nwritten-before-pause");
        // A clone's guest setup travels in its one /init, with its token.
        assertThat(out("clone-4", "echo $CLONE_SETUP; pwd")).isEqualTo("from-create\n/var/tmp");
        f.destroy("clone-4");
    }

    static Template snapshot(String id, String name) {
        return f.blocking
                .withDeadlineAfter(180, TimeUnit.SECONDS)
                .snapshotSandbox(SnapshotSandboxRequest.newBuilder()
                        .setSandboxId(id)
                        .setName(name)
                        .build());
    }

    static void createFrom(String id, String template) {
        f.blocking
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId(id)
                        .setTemplate(template)
                        .build());
    }

    static boolean listed(String name) {
        return f.blocking.listTemplates(ListTemplatesRequest.getDefaultInstance()).getTemplatesList().stream()
                .anyMatch(t -> t.getName().equals(name));
    }

    @Test
    @Order(7)
    void templatesOfClonesChainUpAndAreFlattenedBeforeTheChainGrowsLong() throws Exception {
        String parent = "tpl-it"; // its current generation was made from a clone: memory chain of 1
        List<Integer> depths = new java.util.ArrayList<>();
        StringBuilder expected = new StringBuilder("template-file\nsecond-generation");
        StringBuilder files = new StringBuilder("/root/tpl /root/gen2");
        for (int level = 2; level <= 5; level++) {
            String id = "chain-" + level;
            createFrom(id, parent);
            out(id, "echo level-" + level + " > /root/level-" + level + " && sync");
            snapshot(id, id);
            Path gen = templateGen(id);
            TemplateStore.Template t = TemplateStore.readGen(gen);
            depths.add(t.memoryChain().size());
            if (t.memoryChain().isEmpty()) {
                // Flattened: its own RAM file, its disk rebased onto the base image, no dependencies.
                assertThat(gen.resolve("memory")).exists();
                assertThat(t.dependsOn()).isEmpty();
            } else {
                assertThat(MemoryDiff.readHeader(gen.resolve("memory.diff")).generation())
                        .isEqualTo(t.memoryChain().size());
                assertThat(t.dependsOn()).hasSize(t.memoryChain().size());
            }
            expected.append("\nlevel-").append(level);
            files.append(" /root/level-").append(level);
            createFrom(id + "-check", id);
            assertThat(out(id + "-check", "cat " + files)).isEqualTo(expected.toString());
            f.destroy(id + "-check");
            parent = id;
        }
        assertThat(depths).containsExactly(2, 3, 4, 0);

        // A template others depend on can be deleted: it is no longer listed, its files stay while a
        // dependent needs them, and the dependents keep working.
        Path gen3 = templateGen("chain-3");
        f.blocking.deleteTemplate(
                DeleteTemplateRequest.newBuilder().setName("chain-3").build());
        assertThat(listed("chain-3")).isFalse();
        assertThat(gen3).exists();
        createFrom("chain-4-check", "chain-4");
        assertThat(out("chain-4-check", "cat /root/level-3 /root/level-4")).isEqualTo("level-3\nlevel-4");
        f.blocking.deleteTemplate(
                DeleteTemplateRequest.newBuilder().setName("chain-4").build());
        assertThat(gen3).exists(); // chain-4-check's memory still builds on it
        f.destroy("chain-4-check");
        assertThat(gen3).doesNotExist();
        assertThat(f.dataDir.resolve("templates").resolve("chain-4")).doesNotExist();
        f.blocking.deleteTemplate(
                DeleteTemplateRequest.newBuilder().setName("chain-2").build());
        // chain-5 was flattened: it needs none of them.
        createFrom("chain-5-check", "chain-5");
        assertThat(out("chain-5-check", "cat " + files)).isEqualTo(expected.toString());
        f.destroy("chain-5-check");
        f.blocking.deleteTemplate(
                DeleteTemplateRequest.newBuilder().setName("chain-5").build());
        try (Stream<Path> s = Files.list(f.dataDir.resolve("templates"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("tpl-it");
        }
    }

    @Test
    @Order(8)
    void deleteTemplate() {
        assertThat(code(() -> f.blocking.deleteTemplate(
                        DeleteTemplateRequest.newBuilder().setName("minimal").build())))
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(code(() -> f.blocking.deleteTemplate(
                        DeleteTemplateRequest.newBuilder().setName("no-such").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        f.blocking.deleteTemplate(
                DeleteTemplateRequest.newBuilder().setName("tpl-it").build());
        assertThat(f.dataDir.resolve("templates").resolve("tpl-it")).doesNotExist();
        assertThat(code(() -> f.blocking.createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId("x")
                        .setTemplate("tpl-it")
                        .build())))
                .isEqualTo(Status.Code.NOT_FOUND);
    }

    static Map<Path, String> templateSums() throws Exception {
        Map<Path, String> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(f.dataDir.resolve("templates"))) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) out.put(p, TemplateStore.sha256(p));
        }
        return out;
    }
}
