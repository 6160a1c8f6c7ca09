package dev.wrenn.hostagent.network.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The little of RFC 1035 a forwarder needs: read a query's header and single question, build an error
 * answer for it, and pull the A/AAAA addresses out of an answer. Everything is bounds-checked: the bytes
 * come from an untrusted guest or upstream.
 */
public final class DnsMessage {
    public static final int HEADER = 12;
    public static final int RCODE_SERVFAIL = 2;
    public static final int RCODE_REFUSED = 5;
    private static final int TYPE_A = 1;
    private static final int TYPE_AAAA = 28;

    /** A query's id, flags, its one question (name in lower case without the final dot) and where it ends. */
    public record Query(int id, int flags, String name, int type, int qclass, int questionEnd) {
        public boolean isResponse() {
            return (flags & 0x8000) != 0;
        }

        public int opcode() {
            return (flags >> 11) & 0xF;
        }
    }

    private DnsMessage() {}

    public static Query parseQuery(byte[] m, int len) throws DnsFormatException {
        if (len < HEADER) throw new DnsFormatException("shorter than a DNS header");
        if (u16(m, 4) != 1) throw new DnsFormatException("expected exactly one question, got " + u16(m, 4));
        StringBuilder name = new StringBuilder();
        int end = readName(m, len, HEADER, name);
        if (end + 4 > len) throw new DnsFormatException("question truncated");
        return new Query(
                u16(m, 0), u16(m, 2), name.toString().toLowerCase(Locale.ROOT), u16(m, end), u16(m, end + 2), end + 4);
    }

    /** The answer to {@code q} with {@code rcode} and no records: the header and question echoed back. */
    public static byte[] error(byte[] query, Query q, int rcode) {
        byte[] r = Arrays.copyOf(query, q.questionEnd());
        // QR=1, opcode and RD kept, RA=1, rcode set; AA, TC, Z cleared.
        int flags = 0x8000 | (q.flags() & 0x7900) | 0x0080 | (rcode & 0xF);
        put16(r, 2, flags);
        put16(r, 4, 1);
        put16(r, 6, 0);
        put16(r, 8, 0);
        put16(r, 10, 0);
        return r;
    }

    /** The A and AAAA addresses in an answer's answer section (empty if it does not parse). */
    public static List<InetAddress> answerAddresses(byte[] m, int len) {
        List<InetAddress> out = new ArrayList<>();
        try {
            if (len < HEADER) return out;
            int qd = u16(m, 4);
            int an = u16(m, 6);
            int p = HEADER;
            StringBuilder ignored = new StringBuilder();
            for (int i = 0; i < qd; i++) p = readName(m, len, p, ignored) + 4;
            for (int i = 0; i < an; i++) {
                p = readName(m, len, p, ignored);
                if (p + 10 > len) break;
                int type = u16(m, p);
                int rdlen = u16(m, p + 8);
                int rd = p + 10;
                if (rd + rdlen > len) break;
                if ((type == TYPE_A && rdlen == 4) || (type == TYPE_AAAA && rdlen == 16)) {
                    out.add(InetAddress.getByAddress(Arrays.copyOfRange(m, rd, rd + rdlen)));
                }
                p = rd + rdlen;
            }
        } catch (DnsFormatException | UnknownHostException e) {
            // What parsed so far is kept; a malformed tail adds nothing.
        }
        return out;
    }

    /**
     * Reads the (possibly compressed) name at {@code p} into {@code out}; returns the offset after it in
     * the message (after the first pointer when compressed).
     */
    static int readName(byte[] m, int len, int p, StringBuilder out) throws DnsFormatException {
        out.setLength(0);
        int end = -1;
        int jumps = 0;
        int total = 0;
        while (true) {
            if (p >= len) throw new DnsFormatException("name runs past the message");
            int b = m[p] & 0xFF;
            if (b == 0) {
                if (end < 0) end = p + 1;
                return end;
            }
            if ((b & 0xC0) == 0xC0) {
                if (p + 1 >= len) throw new DnsFormatException("truncated name pointer");
                if (++jumps > 32) throw new DnsFormatException("name pointer loop");
                if (end < 0) end = p + 2;
                p = ((b & 0x3F) << 8) | (m[p + 1] & 0xFF);
                continue;
            }
            if ((b & 0xC0) != 0) throw new DnsFormatException("unsupported label type");
            if (p + 1 + b > len) throw new DnsFormatException("label runs past the message");
            total += b + 1;
            if (total > 255) throw new DnsFormatException("name longer than 255 octets");
            if (out.length() > 0) out.append('.');
            for (int i = 0; i < b; i++) {
                int c = m[p + 1 + i] & 0xFF;
                // Dots and unprintables inside a label are escaped, so a policy sees one unambiguous name.
                if (c == '.' || c == '\\' || c <= 32 || c >= 127) out.append(String.format("\\%03d", c));
                else out.append((char) c);
            }
            p += 1 + b;
        }
    }

    static int u16(byte[] m, int p) {
        return ((m[p] & 0xFF) << 8) | (m[p + 1] & 0xFF);
    }

    static void put16(byte[] m, int p, int v) {
        m[p] = (byte) (v >> 8);
        m[p + 1] = (byte) v;
    }
}
