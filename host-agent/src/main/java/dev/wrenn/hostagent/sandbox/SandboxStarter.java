package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.network.NetworkSlot;
import dev.wrenn.hostagent.vm.GuestImage;
import dev.wrenn.hostagent.vm.Snapshottable;
import dev.wrenn.hostagent.vm.Vm;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts new sandboxes: a cold boot from a base image, or a clone of a template (its RAM mapped
 * copy-on-write, its device state loaded). Either way the sandbox is registered first, so that a
 * destroy while it starts finds it, and everything it got is released if any step fails.
 */
final class SandboxStarter {
    private static final Logger log = LoggerFactory.getLogger(SandboxStarter.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,48}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.-]{8,256}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Lifecycle l;

    SandboxStarter(Lifecycle lifecycle) {
        this.l = lifecycle;
    }

    Sandbox create(SandboxManager.CreateRequest req) throws SandboxException, InterruptedException {
        long t0 = System.nanoTime();
        String id = req.id() == null || req.id().isEmpty() ? "sbx-" + randomHex(6) : req.id();
        if (!ID.matcher(id).matches()) throw invalid("sandbox_id must match " + ID.pattern() + ", got '" + id + "'");
        String token = req.token() == null || req.token().isEmpty() ? randomHex(16) : req.token();
        if (!TOKEN.matcher(token).matches()) throw invalid("token must match " + TOKEN.pattern());
        TemplateStore.Template template = l.templates().find(req.template());
        GuestImage image = l.images().get(template != null ? template.baseImage() : req.template());
        var s = l.settings();
        int vcpus = template != null ? template.vcpus() : req.vcpus() == 0 ? s.defaultVcpus() : req.vcpus();
        int memoryMb =
                template != null ? template.memoryMb() : req.memoryMb() == 0 ? s.defaultMemoryMb() : req.memoryMb();
        if (vcpus < 1) throw invalid("vcpus must be >= 1");
        if (memoryMb < s.minMemoryMb()) throw invalid("memory_mb must be >= " + s.minMemoryMb());
        if (template != null && !(l.engine() instanceof Snapshottable))
            throw invalid("engine " + l.engine().name() + " cannot restore snapshots");
        int imageMb = imageDiskMb(image);
        // A clone's file system is its template's: that size is both its default and its floor.
        int templateMb = template == null ? 0 : template.diskMb() > 0 ? template.diskMb() : imageMb;
        int diskMb = template == null
                ? s.disk().size(req.diskMb(), s.disk().defaultDiskMb(), imageMb, "image " + image.name() + "'s rootfs")
                : s.disk().size(req.diskMb(), templateMb, templateMb, "template " + template.name() + "'s disk");
        // Before anything exists: a refusal leaves nothing behind.
        s.disk().checkFree(s.sandboxesDir(), diskMb, 0, "sandbox " + id);

        var identity = new SandboxIdentity(
                id,
                template != null ? template.name() : image.name(),
                image.name(),
                vcpus,
                memoryMb,
                System.currentTimeMillis(),
                token,
                diskMb);
        SandboxDir dir = l.dirOf(id);
        Sandbox sb = new Sandbox(
                identity,
                image,
                dir,
                template != null ? MemoryLayout.cloneOf(template) : MemoryLayout.own(),
                new Teardown("sandbox " + id),
                SandboxState.STARTING);
        if (!l.registry().add(sb)) {
            throw new SandboxException(SandboxException.Reason.ALREADY_EXISTS, "sandbox " + id + " already exists");
        }
        Teardown rt = new Teardown("sandbox " + id + " runtime");
        sb.starting(rt);
        try {
            l.capacity().reserve(vcpus, memoryMb);
            rt.add("capacity", () -> l.capacity().release(vcpus, memoryMb));
            Files.createDirectories(dir.path());
            sb.teardown.add("dir " + dir.path(), dir::delete);
            if (template != null) {
                l.engine().disks().createOverlay(template.disk(), dir.disk());
            } else {
                l.engine().disks().createOverlay(image, dir.disk(), diskMb);
            }
            dev.wrenn.hostagent.egress.PolicyFile.write(Lifecycle.policyFile(sb), req.network());
            NetworkSlot slot = l.slots().lease(rt);
            l.applyPolicy(sb, slot, rt);
            long tPrepared = System.nanoTime();

            HttpClient http = GuestAgentClient.newHttpClient();
            rt.add("guest agent client", http::shutdownNow);
            Vm vm;
            GuestAgentClient client;
            if (template == null) {
                var booted = ColdBoot.boot(l, sb, slot, token, http, rt);
                vm = booted.vm();
                client = booted.client();
                // The guest answers: tell it what this sandbox was asked to have, before anyone else talks to it.
                client.setUp(req.setup());
            } else {
                // Clone: the template's RAM mapped private (copy-on-write, faulted in lazily), its diff
                // generations written on top, device state loaded.
                var started = CloneStart.start(l, sb, slot, template, token, req.setup(), http, rt);
                vm = started.vm();
                client = started.client();
                sb.guestWarmed();
                if (diskMb > templateMb) DiskGrowth.grow(l.engine().disks(), vm, client, diskMb);
            }
            long tReady = System.nanoTime();
            SandboxRecords.write(dir, new RunningRecord(identity, sb.memory(), slot.index(), vm.pid()));
            var timing = new Sandbox.Timing(
                    Lifecycle.ms(tReady - t0), Lifecycle.ms(tPrepared - t0), Lifecycle.ms(tReady - tPrepared));
            sb.run(Sandbox.Live.of(id, slot, vm, client, rt), timing);
            if (!sb.moveTo(SandboxState.RUNNING)) {
                throw new SandboxException(
                        SandboxException.Reason.WRONG_STATE, "sandbox " + id + " was destroyed while starting");
            }
            log.info(
                    "sandbox {} running{}: slot {} ({}), {} vcpu, {} MB, {} MiB disk, {} ms"
                            + " (prepare {} ms, boot {} ms, {})",
                    id,
                    template != null ? " (clone of " + template.name() + ")" : "",
                    slot.index(),
                    slot.slotAddress(),
                    vcpus,
                    memoryMb,
                    diskMb,
                    timing.totalMs(),
                    timing.prepareMs(),
                    timing.bootMs(),
                    l.engine().accel().accel());
            return sb;
        } catch (SandboxException | InterruptedException | RuntimeException e) {
            // The caller may have given up already (its own deadline, then a destroy): what the VM printed
            // is only here, so it is logged.
            log.warn("sandbox {}: create failed: {}", id, e.getMessage());
            l.registry().release(sb, rt, "create");
            throw e;
        } catch (IOException e) {
            log.warn("sandbox {}: create failed: {}", id, e.getMessage());
            l.registry().release(sb, rt, "create");
            throw new SandboxException(SandboxException.Reason.HOST_ERROR, "sandbox " + id + ": " + e.getMessage(), e);
        }
    }

    /** The image's rootfs size in whole MiB: the smallest disk a sandbox of it can have. */
    private static int imageDiskMb(GuestImage image) throws SandboxException {
        try {
            return DiskPolicy.ceilMb(Files.size(image.rootfs()));
        } catch (IOException e) {
            throw new SandboxException(
                    SandboxException.Reason.HOST_ERROR, "image " + image.name() + ": " + e.getMessage(), e);
        }
    }

    private static SandboxException invalid(String message) {
        return new SandboxException(SandboxException.Reason.INVALID_ARGUMENT, message);
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
