package dev.wrenn.controlplane.dashboard;

import java.util.Locale;

/** Reads {@code Accept-Encoding} (RFC 9110, 12.5.3) for the one coding the dashboard's files are kept in. */
final class AcceptEncoding {
    private AcceptEncoding() {}

    /**
     * Whether gzip is acceptable: named (or {@code x-gzip}, or {@code *}) with a weight above zero. An explicit
     * {@code gzip;q=0} wins over {@code *}.
     */
    static boolean allowsGzip(String header) {
        if (header == null || header.isBlank()) return false;
        Boolean named = null;
        boolean any = false;
        for (String part : header.split(",")) {
            String[] fields = part.split(";");
            String coding = fields[0].strip().toLowerCase(Locale.ROOT);
            boolean wanted = weight(fields) > 0;
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                named = named == null ? wanted : named || wanted;
            } else if (coding.equals("*")) {
                any = wanted;
            }
        }
        return named != null ? named : any;
    }

    private static double weight(String[] fields) {
        for (int i = 1; i < fields.length; i++) {
            String f = fields[i].strip();
            if (f.length() > 2 && (f.charAt(0) == 'q' || f.charAt(0) == 'Q') && f.charAt(1) == '=') {
                try {
                    return Double.parseDouble(f.substring(2).strip());
                } catch (NumberFormatException e) {
                    // A weight that is not a number is ignored, as if absent.
                    return 1;
                }
            }
        }
        return 1;
    }
}
