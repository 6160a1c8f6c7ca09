package dev.wrenn.controlplane.build;

import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.sandbox.SandboxService;
import dev.wrenn.controlplane.template.TemplateStore;

/**
 * What a build starts FROM, as the root of its cache keys: a base image by its manifest hash (which changes
 * when the image is rebuilt), a saved template by which saved state it is.
 */
final class BaseIdentity {
    private BaseIdentity() {}

    static String of(SandboxService sandboxes, TemplateStore.Row base) {
        if (!base.type().equals("base")) return "template " + base.hostName();
        try {
            return sandboxes.agent().templates().stream()
                    .filter(t -> t.base() && t.name().equals(base.hostName()))
                    .findFirst()
                    .map(t -> "image " + t.name() + " " + t.manifestSha256())
                    .orElseThrow(() -> new BuildException("base image " + base.hostName() + " is not on the host"));
        } catch (HostAgentException e) {
            throw new BuildException("listing the host's images: " + e.getMessage(), e);
        }
    }
}
