package dev.wrenn.controlplane.sandbox;

/**
 * The contract's ExecResponse. {@code encoding} applies to both streams: "base64" when either is
 * not valid UTF-8. {@code timed_out} (beyond the contract) says the command was killed at its
 * timeout, in which case {@code exit_code} is -1.
 */
public record ExecResult(
        String sandboxId,
        String cmd,
        String stdout,
        String stderr,
        int exitCode,
        long durationMs,
        String encoding,
        boolean timedOut) {

    static ExecResult of(String sandboxId, String cmd, byte[] out, byte[] err, int exit, long ms, boolean timedOut) {
        boolean b64 = !Output.isUtf8(out) || !Output.isUtf8(err);
        return new ExecResult(
                sandboxId,
                cmd,
                Output.encode(out, b64),
                Output.encode(err, b64),
                exit,
                ms,
                b64 ? "base64" : "utf-8",
                timedOut);
    }
}
