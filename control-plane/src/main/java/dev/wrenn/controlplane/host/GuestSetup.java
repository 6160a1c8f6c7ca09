package dev.wrenn.controlplane.host;

import java.util.Map;

/**
 * What a new sandbox's guest is set up with at create: the guest agent's access token (null: the host agent
 * generates one, which nobody outside it then knows), environment variables every process sees, the default
 * user and the default working directory (null or empty: the guest's own, root and the user's home). The host
 * agent checks the values (a plain user name, an absolute directory, variable names) and refuses bad ones as
 * {@link HostAgentException.Kind#INVALID}.
 */
public record GuestSetup(String accessToken, Map<String, String> envVars, String defaultUser, String defaultWorkdir) {
    public static final GuestSetup NONE = new GuestSetup(null, Map.of(), null, null);

    public GuestSetup {
        envVars = envVars == null ? Map.of() : Map.copyOf(envVars);
    }
}
