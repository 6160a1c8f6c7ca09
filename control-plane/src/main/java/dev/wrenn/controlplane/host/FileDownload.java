package dev.wrenn.controlplane.host;

import java.io.IOException;
import java.io.OutputStream;

/** A file being read from a sandbox; its first chunk has arrived, so the file exists. */
public interface FileDownload extends AutoCloseable {
    /** The file's size, or -1 when the guest could not tell. */
    long size();

    /** Copies the whole file; a transfer broken midway is an {@link IOException}. */
    void transferTo(OutputStream out) throws IOException;

    @Override
    void close();
}
