package dev.wrenn.controlplane.host;

/**
 * A file being written into a sandbox. {@link #write} blocks while the host is not ready for more
 * (flow control end to end: a slow guest slows the client rather than filling the heap).
 */
public interface FileUpload extends AutoCloseable {
    void write(byte[] buf, int off, int len);

    /** Ends the file and waits for the host to confirm it; returns the bytes written. */
    long finish();

    /** Abandons the write unless it was finished. */
    @Override
    void close();
}
