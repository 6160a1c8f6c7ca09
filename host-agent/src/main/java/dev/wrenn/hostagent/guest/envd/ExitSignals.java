package dev.wrenn.hostagent.guest.envd;

import java.util.Map;

/** The signal of envd's end status "signal: killed" (the words of Go's os.ProcessState), as a number. */
final class ExitSignals {
    private static final Map<String, Integer> BY_WORDS = Map.ofEntries(
            Map.entry("hangup", 1),
            Map.entry("interrupt", 2),
            Map.entry("quit", 3),
            Map.entry("illegal instruction", 4),
            Map.entry("trace/breakpoint trap", 5),
            Map.entry("aborted", 6),
            Map.entry("bus error", 7),
            Map.entry("floating point exception", 8),
            Map.entry("killed", 9),
            Map.entry("user defined signal 1", 10),
            Map.entry("segmentation fault", 11),
            Map.entry("user defined signal 2", 12),
            Map.entry("broken pipe", 13),
            Map.entry("alarm clock", 14),
            Map.entry("terminated", 15));

    private ExitSignals() {}

    /** 0 when {@code status} names no signal this table knows ("signal 23" is read by its number). */
    static int number(String status) {
        if (!status.startsWith("signal: ")) return 0;
        String words = status.substring("signal: ".length()).strip();
        Integer n = BY_WORDS.get(words);
        if (n != null) return n;
        if (words.startsWith("signal ")) {
            try {
                return Integer.parseInt(words.substring("signal ".length()).strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }
}
