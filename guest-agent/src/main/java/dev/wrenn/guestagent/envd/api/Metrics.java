package dev.wrenn.guestagent.envd.api;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /metrics} in envd's field names. CPU use is the share of non-idle time in /proc/stat since the
 * previous call (since boot for the first), as gopsutil's cpu.Percent(0) computes it; memory "used" is
 * total - free - buffers - cached, gopsutil's definition.
 */
final class Metrics {
    private long lastTotal;
    private long lastIdle;

    synchronized Map<String, Object> sample() throws IOException {
        var m = new LinkedHashMap<String, Object>();
        m.put("ts", System.currentTimeMillis() / 1000);
        m.put("cpu_count", Runtime.getRuntime().availableProcessors());
        m.put("cpu_used_pct", cpuPercent());
        Map<String, Long> mem = meminfo();
        long total = mem.getOrDefault("MemTotal", 0L);
        long cached = mem.getOrDefault("Cached", 0L);
        long used = total - mem.getOrDefault("MemFree", 0L) - mem.getOrDefault("Buffers", 0L) - cached;
        m.put("mem_total", total);
        m.put("mem_used", used);
        m.put("mem_cache", cached);
        m.put("mem_total_mib", total / 1024 / 1024);
        m.put("mem_used_mib", used / 1024 / 1024);
        FileStore root = Files.getFileStore(Path.of("/"));
        m.put("disk_used", root.getTotalSpace() - root.getUsableSpace());
        m.put("disk_total", root.getTotalSpace());
        return m;
    }

    private double cpuPercent() throws IOException {
        String line = Files.readAllLines(Path.of("/proc/stat")).getFirst();
        List<String> f = List.of(line.trim().split("\\s+"));
        long total = 0;
        for (int i = 1; i < f.size() && i <= 8; i++) total += Long.parseLong(f.get(i));
        long idle = Long.parseLong(f.get(4)) + Long.parseLong(f.get(5));
        long dt = total - lastTotal;
        long di = idle - lastIdle;
        lastTotal = total;
        lastIdle = idle;
        if (dt <= 0) return 0.0;
        return Math.round(10000.0 * (dt - di) / dt) / 100.0;
    }

    private static Map<String, Long> meminfo() throws IOException {
        var out = new LinkedHashMap<String, Long>();
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            String[] f = line.split("[:\\s]+");
            if (f.length >= 2) out.put(f[0], Long.parseLong(f[1]) * (f.length > 2 && f[2].equals("kB") ? 1024 : 1));
        }
        return out;
    }
}
