package dev.wrenn.hostagent.guest.envd;

import java.util.List;
import java.util.Map;

/** A live process in the guest, as envd's Process/List reports it. */
public record GuestProcess(long pid, String tag, String cmd, List<String> args, Map<String, String> env, String cwd) {}
