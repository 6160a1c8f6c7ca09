package dev.wrenn.bench;

/**
 * The sandbox operations the sandbox benchmark times, over one path: the public API or the host
 * agent straight. Every method returns only once the operation is done, and throws on any failure.
 */
interface Sandboxes {
    /** Where the calls go, for the table: "API" or "host agent". */
    String path();

    /** Creates a sandbox from {@code template} (null: the default image) and returns its id. */
    String create(String template) throws Exception;

    /** Runs {@code true}; fails unless it exits 0. */
    void execTrue(String id) throws Exception;

    void upload(String id, String file, long bytes) throws Exception;

    /** Reads {@code file} back; returns its size. */
    long download(String id, String file) throws Exception;

    void pause(String id) throws Exception;

    void resume(String id) throws Exception;

    /** Saves the sandbox as template {@code name}; this consumes the sandbox. */
    void snapshot(String id, String name) throws Exception;

    void deleteTemplate(String name) throws Exception;

    void destroy(String id) throws Exception;
}
