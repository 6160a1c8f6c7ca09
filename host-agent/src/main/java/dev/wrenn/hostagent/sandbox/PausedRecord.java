package dev.wrenn.hostagent.sandbox;

/**
 * The commit record of a paused sandbox: a paused sandbox exists exactly when this record exists,
 * written only after everything it names is complete on disk. Read and written only by
 * {@link SandboxRecords}.
 *
 * @param snapshot the directory (in the sandbox dir) holding the saved device state
 */
public record PausedRecord(SandboxIdentity identity, MemoryLayout memory, String snapshot, long pausedAtUnixMs) {}
