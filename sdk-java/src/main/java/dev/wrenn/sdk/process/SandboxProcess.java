package dev.wrenn.sdk.process;

import dev.wrenn.sdk.StreamException;
import dev.wrenn.sdk.http.Diagnosis;
import dev.wrenn.sdk.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** A background process of a sandbox, by pid: read it, attach to its output, write to it, signal it, wait for it. */
public final class SandboxProcess {
    private final Processes processes;
    private final long pid;
    private final String tag;

    SandboxProcess(Processes processes, long pid, String tag) {
        this.processes = processes;
        this.pid = pid;
        this.tag = tag;
    }

    public long pid() {
        return pid;
    }

    /** The tag it was started with (known to a handle from {@link Processes#start}). */
    public Optional<String> tag() {
        return Optional.ofNullable(tag);
    }

    public ProcessInfo info() {
        return processes.get(pid);
    }

    /** Its output from now on, to iterate; close the stream to detach. */
    public ProcessStream attach() {
        try {
            return new ProcessStream(
                    processes.transport().socket(processes.one(pid).then("/stream")));
        } catch (StreamException e) {
            // A socket's refusal carries no error code; the REST route says what is wrong (no such process).
            throw Diagnosis.of(e, () -> processes.get(pid));
        }
    }

    /**
     * Its output from now on, handed to {@code handler} on a virtual thread of the attachment's own until the exit;
     * {@link ProcessStream#waitForExit()} waits for it. Close the attachment to detach.
     */
    public ProcessStream attach(OutputHandler handler) {
        ProcessStream s = attach();
        s.deliverTo(handler);
        return s;
    }

    public void sendStdin(String text) {
        sendStdin(text.getBytes(StandardCharsets.UTF_8));
    }

    public void sendStdin(byte[] data) {
        stdin(Json.object()
                .put("data", Base64.getEncoder().encodeToString(data))
                .put("encoding", "base64"));
    }

    /** Closes its stdin (it reads end-of-file); it must have been started with {@code stdin(true)}. */
    public void closeStdin() {
        stdin(Json.object().put("data", "").put("close", true));
    }

    private void stdin(Json.Fields body) {
        processes.transport().json("POST", processes.one(pid).then("/stdin"), body);
    }

    /** Sends {@code signal} to its process group. */
    public void signal(Signal signal) {
        processes
                .transport()
                .json("POST", processes.one(pid).then("/signal"), Json.object().put("signal", signal.name()));
    }

    /** SIGKILL. */
    public void kill() {
        signal(Signal.SIGKILL);
    }

    /** Waits for its exit and returns the code (128+N after signal N); at once for one that ended recently. */
    public int waitForExit() {
        try (ProcessStream s = attach()) {
            return s.waitForExit();
        }
    }

    @Override
    public String toString() {
        return "SandboxProcess[pid=" + pid + (tag == null ? "" : ", tag=" + tag) + "]";
    }
}
