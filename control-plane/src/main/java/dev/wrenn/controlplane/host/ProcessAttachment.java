package dev.wrenn.controlplane.host;

/** A stream of one process's events to this control plane; detaching leaves the process running. */
public interface ProcessAttachment {
    void detach();
}
