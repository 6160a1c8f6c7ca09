package dev.wrenn.hostagent.guest.envd;

import java.util.Map;

/**
 * Signal names the platform accepts, and how each goes on envd's wire: the two its enum names by
 * name, the rest by number (proto3 JSON carries an enum's number for values the enum does not list).
 */
public final class Signals {
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("SIGHUP", 1),
            Map.entry("SIGINT", 2),
            Map.entry("SIGQUIT", 3),
            Map.entry("SIGKILL", 9),
            Map.entry("SIGUSR1", 10),
            Map.entry("SIGUSR2", 12),
            Map.entry("SIGTERM", 15),
            Map.entry("SIGCONT", 18),
            Map.entry("SIGSTOP", 19),
            Map.entry("SIGTSTP", 20),
            Map.entry("SIGWINCH", 28));

    private Signals() {}

    /** The signal's number; IllegalArgumentException for a name not listed (with or without "SIG"). */
    public static int number(String name) {
        String n = name == null ? "" : name.strip().toUpperCase(java.util.Locale.ROOT);
        if (!n.startsWith("SIG")) n = "SIG" + n;
        Integer v = NUMBERS.get(n);
        if (v == null) {
            throw new IllegalArgumentException("unknown signal '" + name + "': one of "
                    + NUMBERS.keySet().stream().sorted().toList());
        }
        return v;
    }
}
