package dev.wrenn.guestagent.envd;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@code POST /init} sets for later calls: the default user and working directory and the environment
 * variables merged into every process started afterwards. envd's default user before /init is root.
 */
public final class EnvdSettings {
    private volatile String defaultUser = "root";
    private volatile String defaultWorkdir;
    private final Map<String, String> envVars = new ConcurrentHashMap<>();

    public String defaultUser() {
        return defaultUser;
    }

    public void defaultUser(String user) {
        this.defaultUser = user;
    }

    /** Null when unset: relative paths then resolve against the user's home. */
    public String defaultWorkdir() {
        return defaultWorkdir;
    }

    public void defaultWorkdir(String workdir) {
        this.defaultWorkdir = workdir;
    }

    public Map<String, String> envVars() {
        return envVars;
    }
}
