package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.proxy.ProxyTarget;
import dev.wrenn.controlplane.proxy.SandboxDirectory;
import java.util.Optional;

/**
 * The sandbox proxy's view of the rows: by id alone, since guest traffic carries a sandbox id and
 * a token, not an API key. What the proxy gets is only what routing needs.
 */
public final class ProxyDirectory implements SandboxDirectory {
    private final SandboxStore store;
    private final SandboxService sandboxes;

    public ProxyDirectory(SandboxStore store, SandboxService sandboxes) {
        this.store = store;
        this.sandboxes = sandboxes;
    }

    @Override
    public Optional<ProxyTarget> find(String sandboxId) {
        return store.anyTeam(sandboxId).map(this::target);
    }

    @Override
    public ProxyTarget resumeForTraffic(String sandboxId) {
        var row = store.anyTeam(sandboxId)
                .orElseThrow(() -> ApiException.notFound("sandbox '" + sandboxId + "' not found"));
        try {
            sandboxes.resume(row.teamId(), sandboxId);
        } catch (ApiException e) {
            // Another request resumed it first: that is what this one wanted.
            if (e.error() != ApiError.SANDBOX_NOT_PAUSED || !isRunning(sandboxId)) throw e;
        }
        return find(sandboxId).orElseThrow(() -> ApiException.notFound("sandbox '" + sandboxId + "' not found"));
    }

    @Override
    public void touch(String sandboxId) {
        store.touchAnyTeam(sandboxId);
    }

    private boolean isRunning(String sandboxId) {
        return store.anyTeam(sandboxId)
                .map(r -> r.status() == SandboxStatus.RUNNING)
                .orElse(false);
    }

    private ProxyTarget target(SandboxStore.Row row) {
        var tokens = sandboxes.tokens();
        return new ProxyTarget(
                row.id(),
                row.status().wire(),
                row.view().autoResume(),
                row.secure(),
                tokens.envd(row.id()),
                row.publicTraffic() ? null : tokens.traffic(row.id()),
                sandboxes.hasAgent() ? sandboxes.agent().proxyUri() : null);
    }
}
