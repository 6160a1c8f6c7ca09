package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.host.HostCommand;
import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.network.NetworkSlot;
import dev.wrenn.hostagent.network.SlotAddressing;
import dev.wrenn.hostagent.network.SlotAllocator;
import dev.wrenn.hostagent.network.SlotNetwork;
import dev.wrenn.hostagent.snapshot.MemoryImage;
import dev.wrenn.hostagent.snapshot.ProcessRam;
import dev.wrenn.hostagent.vm.GuestImage;
import dev.wrenn.hostagent.vm.QemuEngine;
import dev.wrenn.hostagent.vm.Snapshottable;
import dev.wrenn.hostagent.vm.Snapshottable.RamMode;
import dev.wrenn.hostagent.vm.Vm;
import dev.wrenn.hostagent.vm.VmEngine;
import dev.wrenn.hostagent.vm.VmSpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Creates, pauses, resumes, snapshots and destroys sandboxes; the registry of live ones.
 *
 * <p>Paused state on disk, per sandbox dir: the RAM ({@code memory}, the shared RAM file of a
 * cold-booted sandbox, or for a clone the {@code mem-<n>.diff} generations on top of its template's
 * memory), {@code rootfs.qcow2}, {@code snap-<n>/state} and {@code paused.json}, the commit record
 * naming all of it. A paused sandbox exists exactly when paused.json exists; it is written (tmp +
 * rename + fsync) only after the state is complete and on disk.
 */
public final class SandboxManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SandboxManager.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,48}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.-]{8,256}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    public static final String PAUSED_RECORD = "paused.json";
    /**
     * What a running sandbox is (slot, VMM pid, token, memory chain), so that an agent restarted after
     * a crash adopts it instead of killing it. Written once the sandbox runs, removed when it pauses.
     */
    public static final String RUNNING_RECORD = "running.json";
    /** Free space a pause needs besides any RAM diff it writes (device state is ~100 KB). */
    private static final long PAUSE_SPACE_MARGIN = 16L << 20;
    /** A clone's own memory generations are compacted into one when a pause would make more. */
    static final int MAX_OWN_GENERATIONS = 4;
    /** A template's memory chain (and disk backing chain) is flattened when it would grow longer. */
    static final int MAX_TEMPLATE_GENERATIONS = 4;

    public record Settings(
            String prefix,
            Path sandboxesDir,
            SlotAddressing addressing,
            Duration readyTimeout,
            int defaultVcpus,
            int defaultMemoryMb,
            int minMemoryMb) {}

    public record CreateRequest(String id, String template, int vcpus, int memoryMb, String token) {}

    private final Settings settings;
    private final VmEngine engine;
    private final ImageCatalog images;
    private final Capacity capacity;
    private final SlotAllocator slots;
    private final TemplateStore templates;
    private final Map<String, Sandbox> sandboxes = new ConcurrentHashMap<>();

    public SandboxManager(Settings settings, VmEngine engine, ImageCatalog images, Capacity capacity) {
        this(
                settings,
                engine,
                images,
                capacity,
                new TemplateStore(settings.sandboxesDir()
                        .resolve("..")
                        .resolve("templates")
                        .normalize()));
    }

    public SandboxManager(
            Settings settings, VmEngine engine, ImageCatalog images, Capacity capacity, TemplateStore templates) {
        this.settings = settings;
        this.engine = engine;
        this.images = images;
        this.capacity = capacity;
        this.templates = templates;
        this.slots = new SlotAllocator(settings.addressing().slotCount());
    }

    public VmEngine engine() {
        return engine;
    }

    public Capacity capacity() {
        return capacity;
    }

    public ImageCatalog images() {
        return images;
    }

    public TemplateStore templates() {
        return templates;
    }

    // ---- create ----------------------------------------------------------------------------------

    public Sandbox create(CreateRequest req) throws SandboxException, InterruptedException {
        long t0 = System.nanoTime();
        String id =
                req.id() == null || req.id().isEmpty() ? "sbx-" + HexFormat.of().formatHex(randomBytes(6)) : req.id();
        if (!ID.matcher(id).matches()) throw invalid("sandbox_id must match " + ID.pattern() + ", got '" + id + "'");
        String token =
                req.token() == null || req.token().isEmpty() ? HexFormat.of().formatHex(randomBytes(16)) : req.token();
        if (!TOKEN.matcher(token).matches()) throw invalid("token must match " + TOKEN.pattern());
        TemplateStore.Template snap = templates.find(req.template());
        GuestImage image = images.get(snap != null ? snap.baseImage() : req.template());
        int vcpus = snap != null ? snap.vcpus() : req.vcpus() == 0 ? settings.defaultVcpus() : req.vcpus();
        int memoryMb =
                snap != null ? snap.memoryMb() : req.memoryMb() == 0 ? settings.defaultMemoryMb() : req.memoryMb();
        if (vcpus < 1) throw invalid("vcpus must be >= 1");
        if (memoryMb < settings.minMemoryMb()) throw invalid("memory_mb must be >= " + settings.minMemoryMb());
        if (snap != null && !(engine instanceof Snapshottable))
            throw invalid("engine " + engine.name() + " cannot restore snapshots");

        String name = settings.prefix() + id;
        Path dir = settings.sandboxesDir().resolve(name);
        Teardown td = new Teardown("sandbox " + id);
        Sandbox sb = new Sandbox(
                id,
                snap != null ? snap.name() : image.name(),
                image,
                vcpus,
                memoryMb,
                dir,
                td,
                SandboxState.STARTING,
                System.currentTimeMillis());
        if (sandboxes.putIfAbsent(id, sb) != null) {
            throw new SandboxException(SandboxException.Reason.ALREADY_EXISTS, "sandbox " + id + " already exists");
        }
        td.add("registry", () -> sandboxes.remove(id, sb));
        Teardown rt = new Teardown("sandbox " + id + " runtime");
        sb.runtime = rt;
        try {
            capacity.reserve(vcpus, memoryMb);
            rt.add("capacity", () -> capacity.release(vcpus, memoryMb));

            Files.createDirectories(dir);
            td.add("dir " + dir, () -> Reclaimer.deleteTree(dir));

            Path overlay = dir.resolve("rootfs.qcow2");
            if (snap != null) {
                sb.templateGen = snap.gen().toAbsolutePath().normalize();
                sb.memoryBase = snap.memoryBase();
                sb.memoryChain = snap.memoryChain();
                sb.templateGenerations = snap.memoryChain().size();
                HostCommand.check(
                        "qemu-img",
                        "create",
                        "-q",
                        "-f",
                        "qcow2",
                        "-F",
                        "qcow2",
                        "-b",
                        snap.disk().toAbsolutePath().toString(),
                        overlay.toString());
            } else {
                engine.createOverlay(image, overlay);
            }

            NetworkSlot slot = newSlot(rt);
            sb.attach(slot);
            long tPrepared = System.nanoTime();

            HttpClient http = GuestAgentClient.newHttpClient();
            rt.add("guest agent client", http::shutdownNow);
            Vm vm;
            GuestAgentClient client;
            if (snap == null) {
                VmSpec spec = new VmSpec(
                        name,
                        dir,
                        image,
                        overlay,
                        vcpus,
                        memoryMb,
                        "wrenn.token=" + token,
                        slot.netns(),
                        slot.tap(),
                        slot.guestMac());
                vm = engine.start(spec, rt);
                client = new GuestAgentClient(http, slot.slotAddress(), GuestAgentClient.PORT, token);
                awaitGuest(sb, vm, client, SandboxState.STARTING);
            } else {
                // Clone: the template's RAM mapped private (copy-on-write, faulted in lazily), its diff
                // generations written on top, device state loaded.
                VmSpec spec = new VmSpec(
                        name,
                        dir,
                        image,
                        overlay,
                        vcpus,
                        memoryMb,
                        "",
                        slot.netns(),
                        slot.tap(),
                        slot.guestMac(),
                        snap.memoryBase(),
                        false,
                        true);
                vm = ((Snapshottable) engine)
                        .restore(spec, snap.state(), RamMode.SHARED_FILE, rt, v -> applyMemory(sb, v), null);
                client = new GuestAgentClient(http, slot.slotAddress(), GuestAgentClient.PORT, snap.token());
                // The template's token is baked into its memory: every clone gets its own (same request).
                client = refreshWhenReady(sb, vm, client, SandboxState.STARTING, token);
                sb.guestWarm = true;
            }
            sb.token = token;
            long tReady = System.nanoTime();
            sb.attach(vm, client);
            writeRunningRecord(sb, slot, vm);
            sb.timing(new Sandbox.Timing(ms(tReady - t0), ms(tPrepared - t0), ms(tReady - tPrepared)));
            if (!sb.moveTo(SandboxState.RUNNING)) {
                throw new SandboxException(
                        SandboxException.Reason.WRONG_STATE, "sandbox " + id + " was destroyed while starting");
            }
            log.info(
                    "sandbox {} running{}: slot {} ({}), {} vcpu, {} MB, {} ms (prepare {} ms, boot {} ms, {})",
                    id,
                    snap != null ? " (clone of " + snap.name() + ")" : "",
                    slot.index(),
                    slot.slotAddress(),
                    vcpus,
                    memoryMb,
                    sb.timing().totalMs(),
                    sb.timing().prepareMs(),
                    sb.timing().bootMs(),
                    engine.accel().accel().qemuName());
            return sb;
        } catch (SandboxException | InterruptedException | RuntimeException e) {
            fail(sb);
            throw e;
        } catch (IOException e) {
            fail(sb);
            throw new SandboxException(SandboxException.Reason.HOST_ERROR, "sandbox " + id + ": " + e.getMessage(), e);
        }
    }

    private NetworkSlot newSlot(Teardown rt) throws IOException {
        int index = slots.acquire();
        rt.add("slot " + index, () -> slots.release(index));
        NetworkSlot slot = NetworkSlot.of(settings.prefix(), index, settings.addressing());
        SlotNetwork.create(slot, settings.prefix(), rt);
        return slot;
    }

    private void awaitGuest(Sandbox sb, Vm vm, GuestAgentClient client, SandboxState expected)
            throws SandboxException, InterruptedException {
        boolean ready = client.awaitReady(settings.readyTimeout(), () -> vm.isAlive() && sb.state() == expected);
        if (!ready) {
            String why = vm.isAlive()
                    ? "guest agent did not answer on " + client.base() + " within "
                            + settings.readyTimeout().toMillis() + " ms"
                    : "VM exited during boot";
            throw new SandboxException(
                    SandboxException.Reason.BOOT_FAILED, "sandbox " + sb.id() + ": " + why + "\n" + vm.diagnostics(25));
        }
    }

    /**
     * After a restore the guest agent is already running: one {@code POST /restored} (clock, entropy,
     * optionally a new token) doubles as the readiness probe (no /health round trip). Connection
     * failures are retried until the ready timeout, the VM's death or a state change; an answer with
     * an error is not. Returns the client to use from now on.
     */
    private GuestAgentClient refreshWhenReady(
            Sandbox sb, Vm vm, GuestAgentClient client, SandboxState expected, String newToken)
            throws SandboxException, InterruptedException, IOException {
        long deadline = System.nanoTime() + settings.readyTimeout().toNanos();
        byte[] seed = randomBytes(32);
        while (true) {
            try {
                return client.restored(System.currentTimeMillis(), seed, newToken);
            } catch (dev.wrenn.hostagent.guest.GuestAgentException e) {
                throw e;
            } catch (IOException e) {
                if (!vm.isAlive() || sb.state() != expected || System.nanoTime() > deadline) {
                    throw new SandboxException(
                            SandboxException.Reason.BOOT_FAILED,
                            "sandbox " + sb.id() + ": guest agent did not answer after restore (" + e + ")\n"
                                    + vm.diagnostics(25),
                            e);
                }
                Thread.sleep(20);
            }
        }
    }

    /** Warms the guest's restore path (its first call costs ~2 s under TCG) while it still runs. */
    private static void refreshGuest(GuestAgentClient client) throws IOException, InterruptedException {
        client.restored(System.currentTimeMillis(), randomBytes(32), null);
    }

    private void fail(Sandbox sb) {
        sb.moveTo(SandboxState.FAILED);
        List<Exception> errors = new ArrayList<>();
        if (sb.runtime != null) errors.addAll(sb.runtime.runAll());
        errors.addAll(sb.teardown.runAll());
        if (!errors.isEmpty()) log.warn("cleanup after failed create of {} had {} error(s)", sb.id(), errors.size());
    }

    // ---- pause / resume --------------------------------------------------------------------------

    private Snapshottable snapshottable() throws SandboxException {
        if (engine instanceof Snapshottable s) return s;
        throw new SandboxException(SandboxException.Reason.WRONG_STATE, "engine " + engine.name() + " cannot pause");
    }

    public Sandbox pause(String id) throws SandboxException, InterruptedException {
        Sandbox sb = get(id);
        Snapshottable snap = snapshottable();
        if (!sb.guestWarm && sb.state() == SandboxState.RUNNING) {
            // Warm the guest agent's /clock and /entropy paths now, while it runs, so that every resume
            // (and every clone of a template made from this state) finds them compiled.
            try {
                refreshGuest(sb.guest());
                sb.guestWarm = true;
            } catch (IOException e) {
                throw new SandboxException(
                        SandboxException.Reason.HOST_ERROR, "pause of " + id + ": guest agent: " + e.getMessage(), e);
            }
        }
        if (!sb.moveTo(SandboxState.PAUSING)) {
            throw new SandboxException(
                    SandboxException.Reason.WRONG_STATE,
                    "sandbox " + id + " is " + sb.state().name().toLowerCase() + ", not running");
        }
        long t0 = System.nanoTime();
        RamMode mode = sb.memoryBase != null ? RamMode.PRIVATE : RamMode.SHARED_FILE;
        Path tmp = sb.dir().resolve("snap-" + System.nanoTime() + ".tmp");
        // A clone's RAM: the pages it changed since its last restore become the next generation (all its
        // own generations are folded into one when there would be too many).
        List<Path> oldChain = sb.memoryChain;
        int keep = oldChain.size() - sb.templateGenerations >= MAX_OWN_GENERATIONS
                ? sb.templateGenerations
                : oldChain.size();
        Path diff = sb.dir().resolve("mem-" + System.nanoTime() + ".diff");
        long[] stored = {0};
        try {
            long free = Files.getFileStore(sb.dir()).getUsableSpace();
            if (free < PAUSE_SPACE_MARGIN) {
                throw new Snapshottable.DiskFullException(
                        "no space left on the host's disk for the sandbox state: " + (free >> 20) + " MB free, "
                                + (PAUSE_SPACE_MARGIN >> 20) + " MB needed; the sandbox keeps running",
                        null);
            }
            Files.createDirectories(tmp);
            snap.save(
                    sb.vm(),
                    tmp.resolve("state"),
                    mode,
                    mode == RamMode.SHARED_FILE
                            ? null
                            : v -> {
                                try (MemoryImage img = MemoryImage.open(sb.memoryBase, oldChain);
                                        ProcessRam ram =
                                                ProcessRam.open(v.pid(), sb.memoryBase, (long) sb.memoryMb() << 20)) {
                                    stored[0] = img.capture(ram, keep, diff).storedPages();
                                }
                            });
            List<Path> newChain = new ArrayList<>(oldChain.subList(0, keep));
            if (mode == RamMode.PRIVATE) newChain.add(diff.toAbsolutePath().normalize());
            Path done = sb.dir().resolve(tmp.getFileName().toString().replace(".tmp", ""));
            Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE);
            writePausedRecord(sb, done, mode, newChain);
            sb.memoryChain = List.copyOf(newChain);
            deleteOtherSnapshots(sb.dir(), done, newChain);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            deleteQuietly(diff);
            sb.moveTo(SandboxState.RUNNING);
            if (e instanceof Snapshottable.DiskFullException) {
                throw new SandboxException(
                        SandboxException.Reason.CAPACITY, "pause of " + id + " failed: " + e.getMessage(), e);
            }
            throw new SandboxException(
                    SandboxException.Reason.HOST_ERROR,
                    "pause of " + id + " failed (the sandbox keeps running): " + e.getMessage(),
                    e);
        }
        long saved = System.nanoTime();
        // From here the paused record is the truth: release what the running VM held.
        List<Exception> errors = sb.runtime.runAll();
        sb.runtime = null;
        sb.detach();
        try {
            Files.deleteIfExists(sb.dir().resolve(RUNNING_RECORD));
        } catch (IOException e) {
            errors.add(e); // harmless: the paused record wins at the next start
        }
        if (!errors.isEmpty()) log.warn("pause of {}: releasing the runtime had {} error(s)", id, errors.size());
        sb.moveTo(SandboxState.PAUSED);
        log.info(
                "sandbox {} paused ({}{}): state saved in {} ms, released in {} ms",
                id,
                mode,
                mode == RamMode.PRIVATE
                        ? ", memory generation " + sb.memoryChain.size() + " with " + stored[0] + " changed page(s)"
                                + (keep < oldChain.size() ? ", own generations compacted" : "")
                        : "",
                ms(saved - t0),
                ms(System.nanoTime() - saved));
        return sb;
    }

    /** Writes a clone's memory generations over the base its new VM maps: before the state is loaded. */
    private static void applyMemory(Sandbox sb, Vm vm) throws IOException {
        if (sb.memoryChain.isEmpty()) return;
        try (MemoryImage img = MemoryImage.open(sb.memoryBase, sb.memoryChain);
                ProcessRam ram = ProcessRam.open(vm.pid(), sb.memoryBase, (long) sb.memoryMb() << 20)) {
            img.applyTo(ram);
        }
    }

    private void writePausedRecord(Sandbox sb, Path snapDir, RamMode mode, List<Path> memoryChain) throws IOException {
        ObjectNode j = record(sb, mode, memoryChain);
        j.put("paused_at_unix_ms", System.currentTimeMillis());
        j.put("snapshot", snapDir.getFileName().toString());
        writeRecord(sb.dir(), PAUSED_RECORD, j);
    }

    /** Records a running sandbox for adoption after an agent crash (see {@link #RUNNING_RECORD}). */
    private void writeRunningRecord(Sandbox sb, NetworkSlot slot, Vm vm) throws IOException {
        ObjectNode j = record(sb, sb.memoryBase == null ? RamMode.SHARED_FILE : RamMode.PRIVATE, sb.memoryChain);
        j.put("slot", slot.index());
        j.put("vmm_pid", vm.pid());
        writeRecord(sb.dir(), RUNNING_RECORD, j);
    }

    /** What both records say: who the sandbox is, its guest token and where its memory lives. */
    private static ObjectNode record(Sandbox sb, RamMode mode, List<Path> memoryChain) {
        ObjectNode j = JSON.createObjectNode();
        j.put("id", sb.id());
        j.put("template", sb.template());
        j.put("image", sb.image().name());
        j.put("vcpus", sb.vcpus());
        j.put("memory_mb", sb.memoryMb());
        j.put("created_at_unix_ms", sb.createdAtMs());
        j.put("token", sb.token);
        j.put("ram", mode.name());
        if (mode == RamMode.PRIVATE) {
            j.put("memory_base", sb.memoryBase.toString());
            var chain = j.putArray("memory_chain");
            memoryChain.forEach(p -> chain.add(p.toString()));
            j.put("template_generations", sb.templateGenerations);
        }
        if (sb.templateGen != null) j.put("template_gen", sb.templateGen.toString());
        return j;
    }

    /** tmp + fsync + rename + fsync dir; mode 0600 (records hold the guest token). */
    private static void writeRecord(Path dir, String name, ObjectNode j) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(j));
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        QemuEngine.fsync(tmp);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        QemuEngine.fsync(dir);
    }

    /** Deletes snapshot dirs other than {@code keep} and memory generations not in {@code chain}. */
    private static void deleteOtherSnapshots(Path dir, Path keep, List<Path> chain) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                boolean staleSnap = n.startsWith("snap-") && !p.equals(keep);
                boolean staleDiff = n.startsWith("mem-")
                        && n.endsWith(".diff")
                        && !chain.contains(p.toAbsolutePath().normalize());
                if (staleSnap || staleDiff) Reclaimer.deleteTree(p);
            }
        }
    }

    public Sandbox resume(String id) throws SandboxException, InterruptedException {
        Sandbox sb = get(id);
        Snapshottable snap = snapshottable();
        if (!sb.moveTo(SandboxState.RESUMING)) {
            throw new SandboxException(
                    SandboxException.Reason.WRONG_STATE,
                    "sandbox " + id + " is " + sb.state().name().toLowerCase() + ", not paused");
        }
        long t0 = System.nanoTime();
        Teardown rt = new Teardown("sandbox " + id + " runtime");
        boolean committed = false;
        try {
            JsonNode rec = JSON.readTree(sb.dir().resolve(PAUSED_RECORD).toFile());
            RamMode mode = RamMode.valueOf(rec.path("ram").asString());
            Path state = sb.dir().resolve(rec.path("snapshot").asString()).resolve("state");
            capacity.reserve(sb.vcpus(), sb.memoryMb());
            rt.add("capacity", () -> capacity.release(sb.vcpus(), sb.memoryMb()));
            NetworkSlot slot = newSlot(rt);
            long tPrepared = System.nanoTime();
            HttpClient http = GuestAgentClient.newHttpClient();
            rt.add("guest agent client", http::shutdownNow);
            boolean shared = mode == RamMode.SHARED_FILE;
            Path ram = shared ? sb.dir().resolve("memory") : sb.memoryBase;
            String name = settings.prefix() + id;
            VmSpec spec = new VmSpec(
                    name,
                    sb.dir(),
                    sb.image(),
                    sb.dir().resolve("rootfs.qcow2"),
                    sb.vcpus(),
                    sb.memoryMb(),
                    "",
                    slot.netns(),
                    slot.tap(),
                    slot.guestMac(),
                    ram,
                    shared,
                    true);
            Vm vm = snap.restore(spec, state, mode, rt, shared ? null : v -> applyMemory(sb, v), v -> {
                // The guest is about to run and change its RAM file: the paused state is no longer
                // valid. From now on it is a running sandbox (adopted if this agent dies).
                writeRunningRecord(sb, slot, v);
                Files.deleteIfExists(sb.dir().resolve(PAUSED_RECORD));
                QemuEngine.fsync(sb.dir());
            });
            committed = true;
            long tRestored = System.nanoTime();
            GuestAgentClient client = new GuestAgentClient(http, slot.slotAddress(), GuestAgentClient.PORT, sb.token);
            client = refreshWhenReady(sb, vm, client, SandboxState.RESUMING, null);
            long tReady = System.nanoTime();
            sb.runtime = rt;
            sb.guestWarm = true;
            sb.attach(slot);
            sb.attach(vm, client);
            sb.timing(new Sandbox.Timing(ms(tReady - t0), ms(tPrepared - t0), ms(tReady - tPrepared)));
            deleteOtherSnapshots(sb.dir(), null, sb.memoryChain);
            if (!sb.moveTo(SandboxState.RUNNING))
                throw new SandboxException(
                        SandboxException.Reason.WRONG_STATE, "sandbox " + id + " changed state while resuming");
            log.info(
                    "sandbox {} resumed ({}): slot {}, {} ms (prepare {} ms, restore {} ms, guest agent answering /restored {} ms)",
                    id,
                    mode,
                    slot.index(),
                    sb.timing().totalMs(),
                    sb.timing().prepareMs(),
                    ms(tRestored - tPrepared),
                    ms(tReady - tRestored));
            return sb;
        } catch (SandboxException | InterruptedException | IOException | RuntimeException e) {
            rt.runAll();
            sb.detach();
            if (!committed && Files.exists(sb.dir().resolve(PAUSED_RECORD))) {
                sb.moveTo(SandboxState.PAUSED);
            } else {
                sb.moveTo(SandboxState.FAILED);
            }
            if (e instanceof SandboxException se) throw se;
            if (e instanceof InterruptedException ie) throw ie;
            throw new SandboxException(
                    SandboxException.Reason.HOST_ERROR,
                    "resume of " + id + " failed" + (sb.state() == SandboxState.PAUSED ? " (still paused)" : "") + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** Re-registers sandboxes a previous agent paused (found by the reclaimer) as PAUSED. */
    public void adopt(List<Path> pausedDirs) {
        for (Path dir : pausedDirs) {
            try {
                JsonNode rec = JSON.readTree(dir.resolve(PAUSED_RECORD).toFile());
                String id = rec.path("id").asString();
                GuestImage image = images.get(rec.path("image").asString());
                Teardown td = new Teardown("sandbox " + id);
                Sandbox sb = new Sandbox(
                        id,
                        rec.path("template").asString(),
                        image,
                        rec.path("vcpus").asInt(),
                        rec.path("memory_mb").asInt(),
                        dir,
                        td,
                        SandboxState.PAUSED,
                        rec.path("created_at_unix_ms").asLong());
                sb.token = rec.path("token").asString();
                if (rec.hasNonNull("template_gen"))
                    sb.templateGen = Path.of(rec.path("template_gen").asString());
                if (rec.hasNonNull("memory_base")) {
                    sb.memoryBase = Path.of(rec.path("memory_base").asString());
                    List<Path> chain = new ArrayList<>();
                    rec.path("memory_chain").forEach(c -> chain.add(Path.of(c.asString())));
                    sb.memoryChain = List.copyOf(chain);
                    sb.templateGenerations = rec.path("template_generations").asInt();
                }
                if (sandboxes.putIfAbsent(id, sb) != null) continue;
                td.add("registry", () -> sandboxes.remove(id, sb));
                td.add("dir " + dir, () -> Reclaimer.deleteTree(dir));
                log.info("adopted paused sandbox {} from {}", id, dir);
            } catch (SandboxException | RuntimeException e) {
                log.warn("cannot adopt paused sandbox in {}: {}", dir, e.getMessage());
            }
        }
    }

    /**
     * Takes over the running sandboxes of a previous agent that died (found by the reclaimer: a
     * running record and its VMM still alive): same slot, same VMM, same token. A guest stopped by a
     * pause that never committed is continued. One that cannot be taken over is destroyed.
     */
    public void adoptRunning(List<Path> runningDirs) {
        for (Path dir : runningDirs) {
            Teardown td = null;
            Teardown rt = new Teardown("adopted runtime of " + dir.getFileName());
            Sandbox sb = null;
            try {
                JsonNode rec = JSON.readTree(dir.resolve(RUNNING_RECORD).toFile());
                String id = rec.path("id").asString();
                GuestImage image = images.get(rec.path("image").asString());
                td = new Teardown("sandbox " + id);
                sb = new Sandbox(
                        id,
                        rec.path("template").asString(),
                        image,
                        rec.path("vcpus").asInt(),
                        rec.path("memory_mb").asInt(),
                        dir,
                        td,
                        SandboxState.STARTING,
                        rec.path("created_at_unix_ms").asLong());
                Sandbox registered = sb;
                if (sandboxes.putIfAbsent(id, sb) != null) throw new IOException("sandbox " + id + " exists twice");
                td.add("registry", () -> sandboxes.remove(id, registered));
                td.add("dir " + dir, () -> Reclaimer.deleteTree(dir));
                sb.token = rec.path("token").asString();
                sb.guestWarm = true;
                if (rec.hasNonNull("template_gen"))
                    sb.templateGen = Path.of(rec.path("template_gen").asString());
                boolean shared = !RamMode.PRIVATE.name().equals(rec.path("ram").asString());
                if (!shared) {
                    sb.memoryBase = Path.of(rec.path("memory_base").asString());
                    List<Path> chain = new ArrayList<>();
                    rec.path("memory_chain").forEach(c -> chain.add(Path.of(c.asString())));
                    sb.memoryChain = List.copyOf(chain);
                    sb.templateGenerations = rec.path("template_generations").asInt();
                }
                int vcpus = sb.vcpus();
                int memoryMb = sb.memoryMb();
                capacity.reserve(vcpus, memoryMb);
                rt.add("capacity", () -> capacity.release(vcpus, memoryMb));
                int index = rec.path("slot").asInt();
                slots.claim(index);
                rt.add("slot " + index, () -> slots.release(index));
                NetworkSlot slot = NetworkSlot.of(settings.prefix(), index, settings.addressing());
                SlotNetwork.adopt(slot, rt);
                HttpClient http = GuestAgentClient.newHttpClient();
                rt.add("guest agent client", http::shutdownNow);
                VmSpec spec = new VmSpec(
                        settings.prefix() + id,
                        dir,
                        image,
                        dir.resolve("rootfs.qcow2"),
                        vcpus,
                        memoryMb,
                        "",
                        slot.netns(),
                        slot.tap(),
                        slot.guestMac(),
                        shared ? dir.resolve("memory") : sb.memoryBase,
                        shared,
                        false);
                Vm vm = engine.adopt(spec, rec.path("vmm_pid").asLong(), rt);
                GuestAgentClient client =
                        new GuestAgentClient(http, slot.slotAddress(), GuestAgentClient.PORT, sb.token);
                Sandbox adopted = sb;
                if (!client.awaitReady(
                        settings.readyTimeout(), () -> vm.isAlive() && adopted.state() == SandboxState.STARTING)) {
                    throw new IOException("its guest agent does not answer");
                }
                sb.runtime = rt;
                sb.attach(slot);
                sb.attach(vm, client);
                if (!sb.moveTo(SandboxState.RUNNING)) throw new IOException("state changed while adopting");
                log.info("adopted running sandbox {}: slot {}, qemu pid {}", id, index, vm.pid());
            } catch (IOException | SandboxException | RuntimeException | InterruptedException e) {
                log.warn("cannot adopt running sandbox in {} (destroying it): {}", dir, e.getMessage());
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                if (sb != null) sb.moveTo(SandboxState.FAILED);
                rt.runAll();
                Reclaimer.killVmmOf(dir);
                if (td != null) {
                    td.runAll();
                } else {
                    try {
                        Reclaimer.deleteTree(dir);
                    } catch (IOException de) {
                        log.warn("deleting {}: {}", dir, de.getMessage());
                    }
                }
            }
        }
    }

    // ---- templates ---------------------------------------------------------------------------------

    public TemplateStore.Template snapshot(String id, String name, boolean overwrite)
            throws SandboxException, InterruptedException {
        if (name == null || !name.matches(TemplateStore.NAME))
            throw invalid("template name must match " + TemplateStore.NAME);
        if (images.exists(name)) {
            throw new SandboxException(SandboxException.Reason.ALREADY_EXISTS, "'" + name + "' is a base image");
        }
        if (!overwrite && templates.find(name) != null) {
            throw new SandboxException(
                    SandboxException.Reason.ALREADY_EXISTS, "template '" + name + "' already exists");
        }
        Sandbox sb = get(id);
        if (sb.state() != SandboxState.RUNNING) {
            throw new SandboxException(
                    SandboxException.Reason.WRONG_STATE,
                    "sandbox " + id + " is " + sb.state().name().toLowerCase() + ", not running");
        }
        pause(id);
        if (!sb.moveTo(SandboxState.STOPPING)) {
            throw new SandboxException(
                    SandboxException.Reason.WRONG_STATE, "sandbox " + id + " changed state while snapshotting");
        }
        try {
            JsonNode rec = JSON.readTree(sb.dir().resolve(PAUSED_RECORD).toFile());
            Path state = sb.dir().resolve(rec.path("snapshot").asString()).resolve("state");
            Path disk = sb.dir().resolve("rootfs.qcow2");
            Map<String, Path> files = new java.util.HashMap<>(Map.of("state", state, "disk.qcow2", disk));
            Path memoryBase = null;
            List<Path> parents = List.of();
            List<Path> dependsOn = List.of();
            String how;
            if (sb.memoryBase == null) {
                files.put("memory", sb.dir().resolve("memory"));
                how = "own RAM file";
            } else if (sb.templateGenerations + 1 <= MAX_TEMPLATE_GENERATIONS) {
                // Only what differs from the parent template: the clone's own memory generations folded
                // into one on top of the template's chain; the disk overlay keeps the template's disk as
                // backing file.
                Path diff = sb.dir().resolve("template-memory.diff");
                try (MemoryImage img = MemoryImage.open(sb.memoryBase, sb.memoryChain)) {
                    img.compact(sb.templateGenerations, diff);
                }
                files.put("memory.diff", diff);
                memoryBase = sb.memoryBase;
                parents = sb.memoryChain.subList(0, sb.templateGenerations);
                List<Path> deps = new ArrayList<>();
                deps.add(sb.templateGen);
                deps.addAll(TemplateStore.readGen(sb.templateGen).dependsOn());
                dependsOn = deps;
                how = "memory generation " + (sb.templateGenerations + 1) + " over "
                        + sb.templateGen.getParent().getFileName();
            } else {
                // The chain would grow too long: flatten memory into a new full RAM file and the disk
                // onto the base image, so that the new template depends on no other template.
                Path full = sb.dir().resolve("memory");
                try (MemoryImage img = MemoryImage.open(sb.memoryBase, sb.memoryChain)) {
                    img.materialize(full);
                }
                HostCommand.check(
                        "qemu-img",
                        "rebase",
                        "-q",
                        "-f",
                        "qcow2",
                        "-F",
                        "raw",
                        "-b",
                        sb.image().rootfs().toAbsolutePath().toString(),
                        disk.toString());
                files.put("memory", full);
                how = "chain compacted: own RAM file, disk rebased onto the base image";
            }
            TemplateStore.Template t = templates.publish(
                    name,
                    sb.image().name(),
                    sb.vcpus(),
                    sb.memoryMb(),
                    sb.token,
                    files,
                    memoryBase,
                    parents,
                    dependsOn,
                    this::templateGensInUse);
            log.info("sandbox {} saved as template {} ({}; {} MB on disk)", id, name, how, t.sizeBytes() >> 20);
            return t;
        } catch (IOException | RuntimeException e) {
            throw new SandboxException(
                    SandboxException.Reason.HOST_ERROR,
                    "snapshot of " + id + " as " + name + " failed: " + e.getMessage(),
                    e);
        } finally {
            try {
                sb.teardown.close();
                sb.moveTo(SandboxState.STOPPED);
            } catch (Teardown.TeardownException e) {
                sb.moveTo(SandboxState.FAILED);
                sandboxes.remove(id, sb);
            }
            if (sb.templateGen != null) {
                try {
                    templates.gcAll(templateGensInUse());
                } catch (IOException e) {
                    log.warn("template gc: {}", e.getMessage());
                }
            }
        }
    }

    public void deleteTemplate(String name) throws SandboxException {
        if (templates.find(name) == null) {
            if (images.exists(name)) {
                throw new SandboxException(
                        SandboxException.Reason.WRONG_STATE, "'" + name + "' is a base image and cannot be deleted");
            }
            throw new SandboxException(SandboxException.Reason.NOT_FOUND, "no template '" + name + "'");
        }
        try {
            templates.delete(name, templateGensInUse());
        } catch (IOException e) {
            throw new SandboxException(
                    SandboxException.Reason.HOST_ERROR, "deleting template " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes template generations nobody uses any more (and half-written ones): at start, after the
     * paused sandboxes were adopted.
     */
    public void collectTemplates() {
        try {
            templates.gcAll(templateGensInUse());
        } catch (IOException e) {
            log.warn("template gc: {}", e.getMessage());
        }
    }

    Set<Path> templateGensInUse() {
        Set<Path> out = new HashSet<>();
        for (Sandbox s : sandboxes.values()) {
            Path g = s.templateGen;
            if (g != null && !s.state().isTerminal()) out.add(g.toAbsolutePath().normalize());
        }
        return out;
    }

    // ---- destroy, lookup -----------------------------------------------------------------------------

    public void destroy(String id) throws SandboxException {
        Sandbox sb = get(id);
        if (!sb.moveTo(SandboxState.STOPPING)) {
            throw new SandboxException(
                    SandboxException.Reason.WRONG_STATE,
                    "sandbox " + id + " is " + sb.state().name().toLowerCase());
        }
        List<Exception> errors = new ArrayList<>();
        if (sb.runtime != null) errors.addAll(sb.runtime.runAll());
        errors.addAll(sb.teardown.runAll());
        sb.detach();
        if (sb.templateGen != null) {
            try {
                templates.gcAll(templateGensInUse());
            } catch (IOException e) {
                log.warn("template gc: {}", e.getMessage());
            }
        }
        if (errors.isEmpty()) {
            sb.moveTo(SandboxState.STOPPED);
            log.info("sandbox {} destroyed", id);
            return;
        }
        sb.moveTo(SandboxState.FAILED);
        sandboxes.remove(id, sb);
        SandboxException ex = new SandboxException(
                SandboxException.Reason.HOST_ERROR,
                "destroy of " + id + " had " + errors.size() + " failure(s): "
                        + errors.getFirst().getMessage());
        errors.forEach(ex::addSuppressed);
        throw ex;
    }

    public Sandbox get(String id) throws SandboxException {
        Sandbox sb = id == null ? null : sandboxes.get(id);
        if (sb == null) throw new SandboxException(SandboxException.Reason.NOT_FOUND, "no sandbox " + id);
        return sb;
    }

    public Collection<Sandbox> list() {
        return List.copyOf(sandboxes.values());
    }

    /**
     * Destroys every sandbox that runs, in parallel. Paused sandboxes are kept on disk: the next agent
     * adopts them (destroy them explicitly to remove them).
     */
    @Override
    public void close() {
        try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (Sandbox sb : list()) {
                if (sb.state() == SandboxState.PAUSED) continue;
                all.add(exec.submit(() -> {
                    try {
                        destroy(sb.id());
                    } catch (SandboxException e) {
                        log.warn("shutdown: {}", e.getMessage());
                    }
                }));
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Reclaimer.deleteTree(p);
        } catch (IOException ignored) {
            // the reclaimer removes half-written snapshots at the next start
        }
    }

    private static SandboxException invalid(String message) {
        return new SandboxException(SandboxException.Reason.INVALID_ARGUMENT, message);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
