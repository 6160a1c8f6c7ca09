package dev.wrenn.hostagent.guest;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a new sandbox's guest is told besides its token, in envd's {@code POST /init}: environment variables for
 * every process started afterwards, the default user and the default working directory. Null or empty means
 * not set (the guest keeps what it has: root and the user's home on a fresh boot, a template's own in a clone).
 *
 * <p>Checked on construction ({@link IllegalArgumentException}, INVALID_ARGUMENT to the caller): the guest
 * would take nearly anything, and a bad value would only surface later, in every process start. The size
 * bounds are execve's: one string may not exceed 128 KiB (MAX_ARG_STRLEN), and environment and arguments
 * together must stay under the 2 MiB a default stack limit allows.
 */
public record GuestSetup(Map<String, String> envVars, String defaultUser, String defaultWorkdir) {
    public static final GuestSetup NONE = new GuestSetup(Map.of(), null, null);

    static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");
    static final int MAX_VARS = 1000;
    static final int MAX_VALUE_BYTES = 128 * 1024;
    static final int MAX_ENV_BYTES = 1024 * 1024;
    static final int MAX_WORKDIR_BYTES = 4096;

    public GuestSetup {
        envVars = envVars == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(envVars));
        defaultUser = defaultUser == null || defaultUser.isEmpty() ? null : defaultUser;
        defaultWorkdir = defaultWorkdir == null || defaultWorkdir.isEmpty() ? null : defaultWorkdir;
        if (defaultUser != null && !USER.matcher(defaultUser).matches()) {
            throw new IllegalArgumentException("default_user must be a plain user name matching " + USER.pattern()
                    + ", got '" + defaultUser + "'");
        }
        if (defaultWorkdir != null) checkWorkdir(defaultWorkdir);
        checkEnv(envVars);
    }

    public boolean isEmpty() {
        return envVars.isEmpty() && defaultUser == null && defaultWorkdir == null;
    }

    private static void checkWorkdir(String dir) {
        if (!dir.startsWith("/")) throw new IllegalArgumentException("default_workdir must be absolute: '" + dir + "'");
        if (dir.indexOf('\0') >= 0) throw new IllegalArgumentException("default_workdir contains a NUL byte");
        if (bytes(dir) > MAX_WORKDIR_BYTES) {
            throw new IllegalArgumentException("default_workdir is longer than " + MAX_WORKDIR_BYTES + " bytes");
        }
    }

    private static void checkEnv(Map<String, String> vars) {
        if (vars.size() > MAX_VARS) {
            throw new IllegalArgumentException("env_vars has " + vars.size() + " entries, at most " + MAX_VARS);
        }
        long total = 0;
        for (var e : vars.entrySet()) {
            String name = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue();
            if (!ENV_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "env_vars: '" + name + "' is not a variable name (" + ENV_NAME.pattern() + ")");
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("env_vars: the value of " + name + " contains a NUL byte");
            }
            // As execve counts it: NAME=value plus the terminating NUL.
            long entry = bytes(name) + 1L + bytes(value) + 1L;
            if (entry > MAX_VALUE_BYTES) {
                throw new IllegalArgumentException(
                        "env_vars: " + name + " is longer than " + MAX_VALUE_BYTES + " bytes");
            }
            total += entry;
        }
        if (total > MAX_ENV_BYTES) {
            throw new IllegalArgumentException("env_vars take " + total + " bytes in all, at most " + MAX_ENV_BYTES);
        }
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
