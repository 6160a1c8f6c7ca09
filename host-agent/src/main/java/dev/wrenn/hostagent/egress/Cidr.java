package dev.wrenn.hostagent.egress;

/** An IPv4 network {@code a.b.c.d/n}; a bare address is its /32. Host bits must be zero. */
public record Cidr(int network, int prefixLength) {
    public Cidr {
        if (prefixLength < 0 || prefixLength > 32) throw new IllegalArgumentException("prefix length out of range");
        if ((network & mask(prefixLength)) != network) {
            throw new IllegalArgumentException("host bits set in " + text(network) + "/" + prefixLength);
        }
    }

    /** Null if {@code s} does not look like an IPv4 address or network at all (it may be a name). */
    public static Cidr parseOrNull(String s) {
        String[] p = s.split("/", -1);
        if (p.length > 2 || !p[0].matches("\\d{1,3}(\\.\\d{1,3}){3}")) return null;
        int addr = 0;
        for (String o : p[0].split("\\.")) {
            int b = Integer.parseInt(o);
            if (b > 255) throw new IllegalArgumentException("'" + s + "' is not an IPv4 address");
            addr = (addr << 8) | b;
        }
        int len = 32;
        if (p.length == 2) {
            if (!p[1].matches("\\d{1,2}") || Integer.parseInt(p[1]) > 32) {
                throw new IllegalArgumentException("'" + s + "' has a bad prefix length (0..32)");
            }
            len = Integer.parseInt(p[1]);
        }
        if ((addr & mask(len)) != addr) {
            throw new IllegalArgumentException(
                    "'" + s + "' has host bits set (did you mean " + text(addr & mask(len)) + "/" + len + "?)");
        }
        return new Cidr(addr, len);
    }

    public static int parseAddress(String dotted) {
        Cidr c = parseOrNull(dotted);
        if (c == null || c.prefixLength != 32) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        return c.network;
    }

    public boolean contains(int address) {
        return (address & mask(prefixLength)) == network;
    }

    /** As nft(8) reads it. */
    @Override
    public String toString() {
        return text(network) + "/" + prefixLength;
    }

    static int mask(int len) {
        return len == 0 ? 0 : -1 << (32 - len);
    }

    public static String text(int v) {
        return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
    }
}
