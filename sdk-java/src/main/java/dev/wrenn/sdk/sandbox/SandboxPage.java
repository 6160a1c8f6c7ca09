package dev.wrenn.sdk.sandbox;

import java.util.List;
import java.util.Optional;

/** One page of a sandbox list, newest first, and the cursor of the next page (empty on the last page). */
public record SandboxPage(List<SandboxInfo> sandboxes, Optional<String> nextCursor) {
    public SandboxPage {
        sandboxes = List.copyOf(sandboxes);
    }
}
