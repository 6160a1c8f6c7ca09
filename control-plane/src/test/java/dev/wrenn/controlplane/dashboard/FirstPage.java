package dev.wrenn.controlplane.dashboard;

import com.microsoft.playwright.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What a browser with an empty cache fetched to show the first page: each response's bytes on the wire. */
final class FirstPage {
    private record Fetched(String url, long bytes, String type, String encoding) {}

    private final List<Fetched> fetched = new ArrayList<>();

    synchronized void add(Response r) {
        var sizes = r.request().sizes();
        String type = r.headerValue("content-type");
        String encoding = r.headerValue("content-encoding");
        fetched.add(new Fetched(
                r.url(),
                // The body as sent (compressed when it was) and the headers: what crossed the network.
                Math.max(sizes.responseBodySize, 0) + Math.max(sizes.responseHeadersSize, 0),
                type == null ? "" : type.toLowerCase(Locale.ROOT),
                encoding == null ? "" : encoding));
    }

    synchronized long bytes() {
        return fetched.stream().mapToLong(Fetched::bytes).sum();
    }

    synchronized List<String> urls() {
        return fetched.stream().map(Fetched::url).toList();
    }

    /** Scripts, styles and pages of more than a few hundred bytes that came without gzip. */
    synchronized List<String> uncompressedText() {
        return fetched.stream()
                .filter(f -> f.type().startsWith("text/") || f.type().contains("svg"))
                .filter(f -> f.bytes() > 1024 && !f.encoding().equals("gzip"))
                .map(Fetched::url)
                .toList();
    }

    @Override
    public synchronized String toString() {
        var sb = new StringBuilder()
                .append(fetched.size())
                .append(" responses, ")
                .append(bytes())
                .append(" bytes on the wire:");
        for (var f : fetched) sb.append("\n  ").append(f.bytes()).append('\t').append(f.url());
        return sb.toString();
    }
}
