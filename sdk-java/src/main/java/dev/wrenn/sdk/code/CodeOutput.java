package dev.wrenn.sdk.code;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One output of a cell, by MIME type under E2B's names ({@code text} for text/plain, {@code png} base64, ...);
 * the value of the cell's last expression has {@code isMainResult}. Types without a field of their own are in
 * {@code extra}.
 */
public record CodeOutput(
        boolean isMainResult,
        String text,
        String html,
        String markdown,
        String svg,
        String png,
        String jpeg,
        String pdf,
        String latex,
        JsonNode json,
        String javascript,
        JsonNode data,
        JsonNode chart,
        Map<String, JsonNode> extra) {
    public CodeOutput {
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }
}
