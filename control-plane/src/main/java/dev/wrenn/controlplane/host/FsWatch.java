package dev.wrenn.controlplane.host;

/** A watch on a directory of a sandbox; closing it ends the watcher in the guest. */
public interface FsWatch extends AutoCloseable {
    /** What a watch reports, one call at a time: {@code started} first, then changes, then one end. */
    interface Listener {
        void started();

        /** {@code type}: create, write, remove, rename or chmod; {@code name} relative to the directory. */
        void changed(String type, String name);

        /** The watch ended: {@code error} null when the guest or the caller ended it. */
        void ended(HostAgentException error);
    }

    @Override
    void close();
}
