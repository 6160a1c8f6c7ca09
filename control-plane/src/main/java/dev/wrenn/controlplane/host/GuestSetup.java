package dev.wrenn.controlplane.host;

import java.util.Map;

/**
 * What the guest is given when its sandbox starts: the access token its guest agent requires, the
 * environment every process in it sees, and the user and working directory commands default to
 * ({@code defaultWorkdir} null: each user's own home, as {@code /v1} always had it).
 */
public record GuestSetup(String accessToken, Map<String, String> envVars, String defaultUser, String defaultWorkdir) {
    public GuestSetup {
        envVars = Map.copyOf(envVars);
    }
}
