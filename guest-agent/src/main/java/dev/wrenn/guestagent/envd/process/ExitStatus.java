package dev.wrenn.guestagent.envd.process;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The end event of a process, worded as envd (Go's ProcessState) words it: "exit status 3", "signal: killed".
 * The JDK reports a death by signal n as exit value 128+n, so values 129..159 are read as signals: a program
 * that itself exits with such a code is reported as killed (the known ambiguity of this mapping).
 */
final class ExitStatus {
    private ExitStatus() {}

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "hangup"),
            Map.entry(2, "interrupt"),
            Map.entry(3, "quit"),
            Map.entry(4, "illegal instruction"),
            Map.entry(5, "trace/breakpoint trap"),
            Map.entry(6, "aborted"),
            Map.entry(7, "bus error"),
            Map.entry(8, "floating point exception"),
            Map.entry(9, "killed"),
            Map.entry(10, "user defined signal 1"),
            Map.entry(11, "segmentation fault"),
            Map.entry(12, "user defined signal 2"),
            Map.entry(13, "broken pipe"),
            Map.entry(14, "alarm clock"),
            Map.entry(15, "terminated"));

    static Map<String, Object> endEvent(int exitValue) {
        var end = new LinkedHashMap<String, Object>();
        int signal = exitValue - 128;
        if (signal >= 1 && signal <= 31) {
            end.put("exitCode", -1);
            end.put("exited", false);
            end.put("status", "signal: " + NAMES.getOrDefault(signal, "signal " + signal));
        } else {
            end.put("exitCode", exitValue);
            end.put("exited", true);
            end.put("status", "exit status " + exitValue);
        }
        return end;
    }
}
