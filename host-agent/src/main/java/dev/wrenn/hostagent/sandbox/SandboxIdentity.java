package dev.wrenn.hostagent.sandbox;

/**
 * What a sandbox is, for its whole life: never changes once it exists.
 *
 * @param template what it was created from: a base image or a template
 * @param image the base image its disk and kernel come from
 * @param token the guest agent's token (a clone's replaces the one baked into its template)
 * @param diskMb size of its root disk in MiB (0: a record an older agent wrote, the image's size)
 */
public record SandboxIdentity(
        String id,
        String template,
        String image,
        int vcpus,
        int memoryMb,
        long createdAtUnixMs,
        String token,
        int diskMb) {

    public SandboxIdentity(
            String id, String template, String image, int vcpus, int memoryMb, long createdAtUnixMs, String token) {
        this(id, template, image, vcpus, memoryMb, createdAtUnixMs, token, 0);
    }
}
