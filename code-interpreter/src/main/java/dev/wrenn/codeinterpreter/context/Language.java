package dev.wrenn.codeinterpreter.context;

import java.util.Locale;

/** The languages a context can run. E2B's template has more kernels; this server has Python's. */
public final class Language {
    public static final String PYTHON = "python";

    private Language() {}

    /** E2B's spelling rules (case, blanks, js/ts); null or blank means Python. */
    public static String normalize(String language) {
        if (language == null || language.isBlank()) return PYTHON;
        String l = language.strip().toLowerCase(Locale.ROOT);
        return switch (l) {
            case "js" -> "javascript";
            case "ts" -> "typescript";
            default -> l;
        };
    }

    public static boolean isSupported(String normalized) {
        return PYTHON.equals(normalized);
    }

    public static String unsupportedMessage(String normalized) {
        return "Language '" + normalized + "' is not supported by this sandbox: only python is available";
    }
}
