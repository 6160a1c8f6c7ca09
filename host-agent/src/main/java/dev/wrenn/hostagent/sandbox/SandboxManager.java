package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.network.NetworkSlot;
import dev.wrenn.hostagent.network.SlotAddressing;
import dev.wrenn.hostagent.network.SlotAllocator;
import dev.wrenn.hostagent.network.SlotNetwork;
import dev.wrenn.hostagent.vm.GuestImage;
import dev.wrenn.hostagent.vm.Vm;
import dev.wrenn.hostagent.vm.VmEngine;
import dev.wrenn.hostagent.vm.VmSpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates and destroys sandboxes; the registry of live ones. */
public final class SandboxManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SandboxManager.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,48}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.-]{8,256}");
    private static final SecureRandom RANDOM = new SecureRandom();

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
    private final Map<String, Sandbox> sandboxes = new ConcurrentHashMap<>();

    public SandboxManager(Settings settings, VmEngine engine, ImageCatalog images, Capacity capacity) {
        this.settings = settings;
        this.engine = engine;
        this.images = images;
        this.capacity = capacity;
        this.slots = new SlotAllocator(settings.addressing().slotCount());
    }

    public VmEngine engine() {
        return engine;
    }

    public Capacity capacity() {
        return capacity;
    }

    public Sandbox create(CreateRequest req) throws SandboxException, InterruptedException {
        long t0 = System.nanoTime();
        String id = req.id() == null || req.id().isEmpty() ? "sbx-" + HexFormat.of().formatHex(randomBytes(6)) : req.id();
        if (!ID.matcher(id).matches()) throw invalid("sandbox_id must match " + ID.pattern() + ", got '" + id + "'");
        int vcpus = req.vcpus() == 0 ? settings.defaultVcpus() : req.vcpus();
        int memoryMb = req.memoryMb() == 0 ? settings.defaultMemoryMb() : req.memoryMb();
        if (vcpus < 1) throw invalid("vcpus must be >= 1");
        if (memoryMb < settings.minMemoryMb()) throw invalid("memory_mb must be >= " + settings.minMemoryMb());
        String token = req.token() == null || req.token().isEmpty() ? HexFormat.of().formatHex(randomBytes(16)) : req.token();
        if (!TOKEN.matcher(token).matches()) throw invalid("token must match " + TOKEN.pattern());
        GuestImage image = images.get(req.template());

        String name = settings.prefix() + id;
        Path dir = settings.sandboxesDir().resolve(name);
        Teardown td = new Teardown("sandbox " + id);
        Sandbox sb = new Sandbox(id, image.name(), vcpus, memoryMb, dir, td);
        if (sandboxes.putIfAbsent(id, sb) != null) {
            throw new SandboxException(SandboxException.Reason.ALREADY_EXISTS, "sandbox " + id + " already exists");
        }
        td.add("registry", () -> sandboxes.remove(id, sb));
        try {
            capacity.reserve(vcpus, memoryMb);
            td.add("capacity", () -> capacity.release(vcpus, memoryMb));

            Files.createDirectories(dir);
            td.add("dir " + dir, () -> Reclaimer.deleteTree(dir));

            Path overlay = dir.resolve("rootfs.qcow2");
            engine.createOverlay(image, overlay);
            // The overlay lives in dir and goes with it.

            int index = slots.acquire();
            td.add("slot " + index, () -> slots.release(index));
            NetworkSlot slot = NetworkSlot.of(settings.prefix(), index, settings.addressing());
            SlotNetwork.create(slot, settings.prefix(), td);
            sb.attach(slot);
            long tPrepared = System.nanoTime();

            VmSpec spec = new VmSpec(name, dir, image, overlay, vcpus, memoryMb, "wrenn.token=" + token,
                    slot.netns(), slot.tap(), slot.guestMac());
            Vm vm = engine.start(spec, td);
            // One connection pool per sandbox, gone with it: slot addresses are reused, and a pooled
            // keep-alive connection to a previous occupant of the slot would be reset by the new VM.
            HttpClient http = GuestAgentClient.newHttpClient();
            td.add("guest agent client", http::shutdownNow);
            GuestAgentClient client = new GuestAgentClient(http, slot.slotAddress(), GuestAgentClient.PORT, token);
            boolean ready = client.awaitReady(settings.readyTimeout(), () -> vm.isAlive() && sb.state() == SandboxState.STARTING);
            if (!ready) {
                String why = vm.isAlive()
                        ? "guest agent did not answer on " + client.base() + " within " + settings.readyTimeout().toMillis() + " ms"
                        : "VM exited during boot";
                throw new SandboxException(SandboxException.Reason.BOOT_FAILED,
                        "sandbox " + id + ": " + why + "\n" + vm.diagnostics(25));
            }
            long tReady = System.nanoTime();
            sb.attach(vm, client);
            sb.timing(new Sandbox.Timing(ms(tReady - t0), ms(tPrepared - t0), ms(tReady - tPrepared)));
            if (!sb.moveTo(SandboxState.RUNNING)) {
                throw new SandboxException(SandboxException.Reason.WRONG_STATE, "sandbox " + id + " was destroyed while starting");
            }
            log.info("sandbox {} running: slot {} ({}), {} vcpu, {} MB, {} ms (prepare {} ms, boot {} ms, {})",
                    id, slot.index(), slot.slotAddress(), vcpus, memoryMb, sb.timing().totalMs(),
                    sb.timing().prepareMs(), sb.timing().bootMs(), engine.accel().accel().qemuName());
            return sb;
        } catch (SandboxException | InterruptedException | RuntimeException e) {
            fail(sb);
            throw e;
        } catch (IOException e) {
            fail(sb);
            throw new SandboxException(SandboxException.Reason.HOST_ERROR, "sandbox " + id + ": " + e.getMessage(), e);
        }
    }

    private void fail(Sandbox sb) {
        sb.moveTo(SandboxState.FAILED);
        List<Exception> errors = sb.teardown.runAll();
        if (!errors.isEmpty()) log.warn("cleanup after failed create of {} had {} error(s)", sb.id(), errors.size());
    }

    public void destroy(String id) throws SandboxException {
        Sandbox sb = get(id);
        if (!sb.moveTo(SandboxState.STOPPING)) {
            throw new SandboxException(SandboxException.Reason.WRONG_STATE, "sandbox " + id + " is already " + sb.state().name().toLowerCase());
        }
        try {
            sb.teardown.close();
            sb.moveTo(SandboxState.STOPPED);
            log.info("sandbox {} destroyed", id);
        } catch (Teardown.TeardownException e) {
            sb.moveTo(SandboxState.FAILED);
            sandboxes.remove(id, sb);
            throw new SandboxException(SandboxException.Reason.HOST_ERROR, e.getMessage(), e);
        }
    }

    public Sandbox get(String id) throws SandboxException {
        Sandbox sb = id == null ? null : sandboxes.get(id);
        if (sb == null) throw new SandboxException(SandboxException.Reason.NOT_FOUND, "no sandbox " + id);
        return sb;
    }

    public Collection<Sandbox> list() {
        return List.copyOf(sandboxes.values());
    }

    /** Destroys every sandbox, in parallel. */
    @Override
    public void close() {
        try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (Sandbox sb : list()) {
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

    private static SandboxException invalid(String message) {
        return new SandboxException(SandboxException.Reason.INVALID_ARGUMENT, message);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
