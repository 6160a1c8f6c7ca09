package dev.wrenn.controlplane.sandbox;

/**
 * Why a sandbox's status last changed: a closed set, stored as {@code code} or
 * {@code code: detail} in {@code sandboxes.status_reason} so operators can group by the code.
 */
public enum StatusReason {
    DESTROYED("destroyed"),
    PAUSED("paused"),
    /** Idle past its {@code timeout_sec}. */
    AUTO_PAUSED("auto_paused"),
    /** Its time-to-live ran out and it was destroyed ({@code on_timeout} kill). */
    EXPIRED("expired"),
    /** Its time-to-live ran out and it was paused ({@code on_timeout} pause). */
    TIMED_OUT("timed_out"),
    /** Frozen into a template, which consumed the sandbox. */
    SAVED_AS_TEMPLATE("saved_as_template"),
    CREATE_FAILED("create_failed"),
    /** The server stopped while the sandbox was being created, and no VM came up. */
    CREATE_INTERRUPTED("create_interrupted"),
    /** The host completed a pause the server did not live to record. */
    PAUSE_RECOVERED("pause_recovered"),
    VM_LOST("vm_lost"),
    /** The host no longer holds the paused sandbox's saved state. */
    PAUSED_STATE_LOST("paused_state_lost");

    private final String code;

    StatusReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** What is stored: the code, then the detail for people. */
    public String with(String detail) {
        return code + ": " + detail;
    }
}
