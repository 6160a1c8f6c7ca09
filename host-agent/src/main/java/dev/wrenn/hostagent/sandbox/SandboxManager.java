package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.guest.GuestSetup;
import dev.wrenn.hostagent.network.SlotAddressing;
import dev.wrenn.hostagent.network.SlotPool;
import dev.wrenn.hostagent.vm.VmEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandboxes of this host: the one entry point of their lifecycle. Each step is done by a class
 * of its own ({@link SandboxStarter}, {@link SandboxPauser}, {@link TemplateSaver},
 * {@link SandboxAdopter}); this facade wires them and holds what they share.
 *
 * <p>A sandbox's directory and durable records are described in {@link SandboxDir},
 * {@link RunningRecord} and {@link PausedRecord}.
 */
public final class SandboxManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SandboxManager.class);

    public record Settings(
            String prefix,
            Path sandboxesDir,
            SlotAddressing addressing,
            Duration readyTimeout,
            int defaultVcpus,
            int defaultMemoryMb,
            int minMemoryMb,
            DiskPolicy disk) {

        public Settings(
                String prefix,
                Path sandboxesDir,
                SlotAddressing addressing,
                Duration readyTimeout,
                int defaultVcpus,
                int defaultMemoryMb,
                int minMemoryMb) {
            this(
                    prefix,
                    sandboxesDir,
                    addressing,
                    readyTimeout,
                    defaultVcpus,
                    defaultMemoryMb,
                    minMemoryMb,
                    DiskPolicy.DEFAULTS);
        }
    }

    /** {@code setup} null: none; {@code diskMb} 0: the default, or a template's size; {@code network} null: open. */
    public record CreateRequest(
            String id,
            String template,
            int vcpus,
            int memoryMb,
            String token,
            GuestSetup setup,
            int diskMb,
            dev.wrenn.hostagent.egress.NetworkPolicy network) {
        public CreateRequest {
            if (setup == null) setup = GuestSetup.NONE;
            if (network == null) network = dev.wrenn.hostagent.egress.NetworkPolicy.OPEN;
        }

        public CreateRequest(String id, String template, int vcpus, int memoryMb, String token, GuestSetup setup) {
            this(id, template, vcpus, memoryMb, token, setup, 0, null);
        }

        public CreateRequest(String id, String template, int vcpus, int memoryMb, String token) {
            this(id, template, vcpus, memoryMb, token, GuestSetup.NONE, 0, null);
        }
    }

    private final Lifecycle lifecycle;
    private final SandboxStarter starter;
    private final SandboxPauser pauser;
    private final TemplateSaver templateSaver;
    private final SandboxAdopter adopter;

    public SandboxManager(
            Settings settings,
            VmEngine engine,
            ImageCatalog images,
            Capacity capacity,
            TemplateStore templates,
            dev.wrenn.hostagent.network.SlotDns dns) {
        this.lifecycle = new Lifecycle(
                settings,
                engine,
                images,
                capacity,
                new SlotPool(settings.prefix(), settings.addressing()),
                templates,
                new SandboxRegistry(templates),
                new dev.wrenn.hostagent.egress.EgressControl(
                        settings.prefix(),
                        new dev.wrenn.hostagent.egress.DnsClient(dns.upstream().upstreams(), 2000),
                        dns.guard()),
                dns);
        this.starter = new SandboxStarter(lifecycle);
        this.pauser = new SandboxPauser(lifecycle, GenerationPolicy.DEFAULT);
        this.templateSaver = new TemplateSaver(lifecycle, pauser, GenerationPolicy.DEFAULT);
        this.adopter = new SandboxAdopter(lifecycle);
    }

    public VmEngine engine() {
        return lifecycle.engine();
    }

    public Capacity capacity() {
        return lifecycle.capacity();
    }

    public ImageCatalog images() {
        return lifecycle.images();
    }

    public TemplateStore templates() {
        return lifecycle.templates();
    }

    public Sandbox create(CreateRequest req) throws SandboxException, InterruptedException {
        return starter.create(req);
    }

    public Sandbox pause(String id) throws SandboxException, InterruptedException {
        return pauser.pause(id);
    }

    public Sandbox resume(String id) throws SandboxException, InterruptedException {
        return pauser.resume(id);
    }

    /** Saves a running sandbox as template {@code name} (the sandbox is paused, kept, then removed). */
    public TemplateStore.Template saveTemplate(String id, String name, boolean overwrite)
            throws SandboxException, InterruptedException {
        return templateSaver.save(id, name, overwrite);
    }

    public void deleteTemplate(String name) throws SandboxException {
        templateSaver.delete(name);
    }

    /** Takes over what a previous agent left, as the reclaimer found it: paused and running sandboxes. */
    public void adopt(List<Path> pausedDirs, List<Path> runningDirs) {
        adopter.adopt(pausedDirs, runningDirs);
    }

    /**
     * Removes template generations nobody uses any more (and half-written ones): at start, after the
     * sandboxes a previous agent left were adopted.
     */
    public void collectTemplates() {
        lifecycle.registry().collectTemplates();
    }

    public void destroy(String id) throws SandboxException {
        Sandbox sb = get(id);
        if (!sb.moveTo(SandboxState.STOPPING)) {
            throw new SandboxException(
                    SandboxException.Reason.WRONG_STATE,
                    "sandbox " + id + " is " + sb.state().name().toLowerCase());
        }
        List<Exception> errors = new ArrayList<>();
        Sandbox.Live live = sb.stopRunning();
        if (live != null) errors.addAll(live.runtime().runAll());
        errors.addAll(sb.teardown.runAll());
        if (sb.memory().templateGen() != null) lifecycle.registry().collectTemplates();
        if (errors.isEmpty()) {
            sb.moveTo(SandboxState.STOPPED);
            log.info("sandbox {} destroyed", id);
            return;
        }
        sb.moveTo(SandboxState.FAILED);
        lifecycle.registry().remove(sb);
        SandboxException ex = new SandboxException(
                SandboxException.Reason.HOST_ERROR,
                "destroy of " + id + " had " + errors.size() + " failure(s): "
                        + errors.getFirst().getMessage());
        errors.forEach(ex::addSuppressed);
        throw ex;
    }

    /** The egress policy of sandbox {@code id}, as saved. */
    public dev.wrenn.hostagent.egress.NetworkPolicy network(Sandbox sb) {
        try {
            return dev.wrenn.hostagent.egress.PolicyFile.read(Lifecycle.policyFile(sb));
        } catch (java.io.IOException e) {
            log.warn("sandbox {}: policy unreadable: {}", sb.id(), e.getMessage());
            return dev.wrenn.hostagent.egress.NetworkPolicy.OPEN;
        }
    }

    /** Replaces the egress policy: saved, and in force at once if the sandbox runs. */
    public Sandbox updateNetwork(String id, dev.wrenn.hostagent.egress.NetworkPolicy policy) throws SandboxException {
        Sandbox sb = get(id);
        try {
            synchronized (sb) {
                dev.wrenn.hostagent.egress.PolicyFile.write(Lifecycle.policyFile(sb), policy);
                lifecycle.egress().update(id, policy);
            }
        } catch (java.io.IOException e) {
            throw new SandboxException(SandboxException.Reason.HOST_ERROR, "sandbox " + id + ": " + e.getMessage(), e);
        }
        return sb;
    }

    public Sandbox get(String id) throws SandboxException {
        return lifecycle.registry().get(id);
    }

    public Collection<Sandbox> list() {
        return lifecycle.registry().list();
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
}
