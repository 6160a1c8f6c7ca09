package dev.wrenn.bench;

import java.util.Map;

/** Prints the same figures of two paths as one Markdown table, with their ratio. */
final class SideBySide {
    private SideBySide() {}

    static void print(String title, Map<String, Stats> api, Map<String, Stats> agent) {
        System.out.println();
        System.out.println("### " + title);
        System.out.println();
        System.out.println(
                "| figure | n | API median | API p99 | host agent median | host agent p99 | API / agent (median) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (var e : api.entrySet()) {
            Stats a = e.getValue().requireSamples();
            Stats b = agent.get(e.getKey()).requireSamples();
            // For throughput the slow tail is the low end: the p99 columns then hold the 1st percentile.
            boolean rate = a.unit().endsWith("/s");
            System.out.printf(
                    "| %s (%s) | %d | %.1f | %.1f | %.1f | %.1f | %.2f |%n",
                    e.getKey(),
                    a.unit(),
                    a.count(),
                    a.median(),
                    a.percentile(rate ? 1 : 99),
                    b.median(),
                    b.percentile(rate ? 1 : 99),
                    a.median() / b.median());
        }
        System.out.println();
        System.out.println("(p99 by nearest rank, so with few samples it is the worst one; for MB/s rows it is the"
                + " slow tail, the 1st percentile of throughput)");
    }
}
