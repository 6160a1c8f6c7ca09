package dev.wrenn.controlplane.host;

import java.util.List;

/** A live process of a sandbox, as the host lists it. {@code tag} and {@code cwd} may be null. */
public record ProcessSummary(long pid, String tag, String cmd, List<String> args, String cwd) {}
