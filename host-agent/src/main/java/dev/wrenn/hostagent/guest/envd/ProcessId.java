package dev.wrenn.hostagent.guest.envd;

/** Names a guest process by pid or by the tag it was started with (envd's ProcessSelector). */
public record ProcessId(long pid, String tag) {
    public static ProcessId of(long pid) {
        return new ProcessId(pid, null);
    }

    public static ProcessId tagged(String tag) {
        return new ProcessId(0, tag);
    }

    @Override
    public String toString() {
        return tag != null ? "tag '" + tag + "'" : "pid " + pid;
    }
}
