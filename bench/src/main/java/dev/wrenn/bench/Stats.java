package dev.wrenn.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Samples of one figure, summarised as median and p99 (nearest rank). */
public final class Stats {
    private final String name;
    private final String unit;
    private final List<Double> samples = new ArrayList<>();

    public Stats(String name, String unit) {
        this.name = name;
        this.unit = unit;
    }

    public void add(double v) {
        samples.add(v);
    }

    public String name() {
        return name;
    }

    public String unit() {
        return unit;
    }

    public int count() {
        return samples.size();
    }

    /** This, if it has samples: a figure a benchmark never measured must fail it, not print as NaN. */
    public Stats requireSamples() {
        if (samples.isEmpty()) throw new IllegalStateException("no samples of '" + name + "'");
        return this;
    }

    public double percentile(double p) {
        if (samples.isEmpty()) return Double.NaN;
        var sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    public double median() {
        return percentile(50);
    }

    /** Prints rows as a Markdown table. */
    public static void table(String title, List<Stats> rows) {
        System.out.println();
        System.out.println("### " + title);
        System.out.println();
        System.out.println("| figure | n | median | p99 | unit |");
        System.out.println("|---|---:|---:|---:|---|");
        for (var s : rows) {
            s.requireSamples();
            System.out.printf(
                    "| %s | %d | %.1f | %.1f | %s |%n", s.name(), s.count(), s.median(), s.percentile(99), s.unit());
        }
    }
}
