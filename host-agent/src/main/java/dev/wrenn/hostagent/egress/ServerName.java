package dev.wrenn.hostagent.egress;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The name a guest's connection asks for, read from its first bytes: the server_name of a TLS
 * ClientHello (RFC 8446 4.1.2, RFC 6066 3) or the Host header of an HTTP/1 request. Read only, never
 * changed: the bytes go on to the server as they came.
 */
public final class ServerName {
    /** Enough for any ClientHello a real client sends (post-quantum key shares included) or request head. */
    public static final int MAX_BYTES = 16 * 1024;

    public enum Protocol {
        TLS,
        HTTP,
        OTHER
    }

    /**
     * {@code complete}: false while more bytes could still name the server. {@code name}: lower case, no
     * trailing dot; null if the connection names none (no SNI, no Host, an address literal, malformed).
     */
    public record Sniff(boolean complete, Protocol protocol, String name) {
        static final Sniff MORE = new Sniff(false, Protocol.OTHER, null);
    }

    private ServerName() {}

    public static Sniff sniff(byte[] b, int len) {
        if (len == 0) return Sniff.MORE;
        if ((b[0] & 0xff) == 0x16) return tls(b, len);
        if (b[0] >= 'A' && b[0] <= 'Z') return http(b, len);
        return new Sniff(true, Protocol.OTHER, null);
    }

    private static Sniff tls(byte[] b, int len) {
        // The handshake may span records: gather their payloads until the ClientHello is whole.
        byte[] hs = new byte[MAX_BYTES];
        int have = 0;
        int pos = 0;
        while (true) {
            if (pos + 5 > len) return more(len, Protocol.TLS);
            if ((b[pos] & 0xff) != 0x16) return done(Protocol.TLS, null);
            int rec = u16(b, pos + 3);
            if (pos + 5 + rec > len) {
                int part = len - pos - 5;
                System.arraycopy(b, pos + 5, hs, have, Math.min(part, hs.length - have));
                have += Math.min(part, hs.length - have);
                if (have >= 4 && (hs[0] & 0xff) != 1) return done(Protocol.TLS, null);
                return more(len, Protocol.TLS);
            }
            int n = Math.min(rec, hs.length - have);
            System.arraycopy(b, pos + 5, hs, have, n);
            have += n;
            pos += 5 + rec;
            if (have >= 4) {
                if ((hs[0] & 0xff) != 1) return done(Protocol.TLS, null);
                int body = (hs[1] & 0xff) << 16 | u16(hs, 2);
                if (have >= 4 + body) return done(Protocol.TLS, clientHelloName(hs, 4, 4 + body));
                if (4 + body > hs.length) return done(Protocol.TLS, null);
            }
        }
    }

    /** The host_name of the server_name extension of a ClientHello body in {@code h[from, to)}. */
    static String clientHelloName(byte[] h, int from, int to) {
        int p = from + 2 + 32; // legacy_version, random
        if (p + 1 > to) return null;
        p += 1 + (h[p] & 0xff); // session id
        if (p + 2 > to) return null;
        p += 2 + u16(h, p); // cipher suites
        if (p + 1 > to) return null;
        p += 1 + (h[p] & 0xff); // compression methods
        if (p + 2 > to) return null;
        int end = Math.min(to, p + 2 + u16(h, p));
        p += 2;
        while (p + 4 <= end) {
            int type = u16(h, p);
            int elen = u16(h, p + 2);
            p += 4;
            if (p + elen > end) return null;
            if (type == 0) {
                int q = p + 2;
                int listEnd = Math.min(p + elen, q + (elen >= 2 ? u16(h, p) : 0));
                while (q + 3 <= listEnd) {
                    int nameType = h[q] & 0xff;
                    int nlen = u16(h, q + 1);
                    q += 3;
                    if (q + nlen > listEnd) return null;
                    if (nameType == 0) return normalise(new String(h, q, nlen, StandardCharsets.US_ASCII));
                    q += nlen;
                }
                return null;
            }
            p += elen;
        }
        return null;
    }

    private static Sniff http(byte[] b, int len) {
        int sp = 0;
        while (sp < len && sp < 16 && b[sp] >= 'A' && b[sp] <= 'Z') sp++;
        if (sp == len) return more(len, Protocol.HTTP);
        if (b[sp] != ' ') return done(Protocol.OTHER, null);
        String head = new String(b, 0, len, StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        if (end < 0) end = head.indexOf("\n\n");
        if (end < 0) return more(len, Protocol.HTTP);
        String host = null;
        String[] lines = head.substring(0, end).split("\r?\n");
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c <= 0 || !lines[i].substring(0, c).strip().equalsIgnoreCase("host")) continue;
            // Two Host headers are a request smuggling trick (RFC 9112 3.2): no name to trust.
            if (host != null) return done(Protocol.HTTP, null);
            host = lines[i].substring(c + 1).strip();
        }
        if (host == null || host.startsWith("[")) return done(Protocol.HTTP, null);
        int colon = host.lastIndexOf(':');
        if (colon >= 0) {
            if (!host.substring(colon + 1).matches("\\d{1,5}")) return done(Protocol.HTTP, null);
            host = host.substring(0, colon);
        }
        return done(Protocol.HTTP, normalise(host));
    }

    /** A DNS name in lower case without its trailing dot; null for address literals and anything else. */
    static String normalise(String raw) {
        String n = raw.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) n = n.substring(0, n.length() - 1);
        if (n.isEmpty()
                || n.length() > 253
                || !n.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")) return null;
        if (n.matches("[0-9.]+")) return null;
        return n;
    }

    private static Sniff more(int len, Protocol p) {
        return len >= MAX_BYTES ? done(p, null) : Sniff.MORE;
    }

    private static Sniff done(Protocol p, String name) {
        return new Sniff(true, p, name);
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }
}
