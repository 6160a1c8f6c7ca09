package dev.wrenn.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one path (the API or the host agent straight), taken by the same steps on both so
 * that each pair of rows differs only in the path.
 */
final class PathFigures {
    static final int EXECS_PER_RUN = 10;
    static final String FILE = "/root/bench.bin";

    private final Sandboxes sandboxes;
    private final long bytes;
    final Stats create = new Stats("create → first exec", "ms");
    final Stats exec = new Stats("exec `true` round trip", "ms");
    final Stats pause = new Stats("pause", "ms");
    final Stats resume = new Stats("resume → first exec", "ms");
    final Stats clone = new Stats("create from a template → first exec", "ms");
    final Stats upload;
    final Stats download;

    PathFigures(Sandboxes sandboxes, int sizeMb) {
        this.sandboxes = sandboxes;
        this.bytes = sizeMb * 1024L * 1024;
        this.upload = new Stats(sizeMb + " MB upload", "MB/s");
        this.download = new Stats(sizeMb + " MB download", "MB/s");
    }

    /** Rows in table order. */
    Map<String, Stats> rows() {
        var m = new LinkedHashMap<String, Stats>();
        for (Stats s : new Stats[] {create, exec, pause, resume, clone, upload, download}) m.put(s.name(), s);
        return m;
    }

    /**
     * One run on a fresh sandbox: cold create, execs, a file up and down, pause, resume. Then the
     * sandbox is saved as template {@code saveAs} (which consumes it), or destroyed when that is null.
     */
    void run(String saveAs) throws Exception {
        long t = System.nanoTime();
        String id = sandboxes.create(null);
        sandboxes.execTrue(id);
        create.add(ms(t));
        for (int j = 0; j < EXECS_PER_RUN; j++) {
            t = System.nanoTime();
            sandboxes.execTrue(id);
            exec.add(ms(t));
        }
        t = System.nanoTime();
        sandboxes.upload(id, FILE, bytes);
        upload.add(mbps(t));
        t = System.nanoTime();
        long got = sandboxes.download(id, FILE);
        if (got != bytes)
            throw new IllegalStateException(sandboxes.path() + ": downloaded " + got + " of " + bytes + " bytes");
        download.add(mbps(t));
        t = System.nanoTime();
        sandboxes.pause(id);
        pause.add(ms(t));
        t = System.nanoTime();
        sandboxes.resume(id);
        sandboxes.execTrue(id);
        resume.add(ms(t));
        if (saveAs != null) sandboxes.snapshot(id, saveAs);
        else sandboxes.destroy(id);
    }

    /** A sandbox from {@code template}, timed to its first exec, then destroyed. */
    void cloneOf(String template) throws Exception {
        long t = System.nanoTime();
        String id = sandboxes.create(template);
        sandboxes.execTrue(id);
        clone.add(ms(t));
        sandboxes.destroy(id);
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    private double mbps(long t0) {
        return bytes / 1048576.0 / ((System.nanoTime() - t0) / 1e9);
    }
}
