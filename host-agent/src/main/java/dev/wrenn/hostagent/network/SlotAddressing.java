package dev.wrenn.hostagent.network;

/**
 * Carves a private IPv4 range into /30 slots: slot i owns base + 4i .. base + 4i + 3, with .1 on the
 * root-namespace end of the veth (host_ip) and .2 on the namespace end (the slot address the host
 * agent dials; DNATed to the fixed guest address).
 */
public record SlotAddressing(int base, int prefixLength) {
    public SlotAddressing {
        if (prefixLength < 8 || prefixLength > 30) {
            throw new IllegalArgumentException("slot range prefix must be /8../30, got /" + prefixLength);
        }
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        if ((base & ~mask) != 0)
            throw new IllegalArgumentException("slot range base is not aligned to /" + prefixLength);
    }

    public static SlotAddressing parse(String cidr) {
        String[] parts = cidr.trim().split("/");
        if (parts.length != 2) throw new IllegalArgumentException("expected a.b.c.d/n, got " + cidr);
        return new SlotAddressing(toInt(parts[0]), Integer.parseInt(parts[1]));
    }

    public int slotCount() {
        return 1 << (32 - prefixLength - 2);
    }

    public String hostIp(int slot) {
        return toString(network(slot) + 1);
    }

    public String slotAddress(int slot) {
        return toString(network(slot) + 2);
    }

    public String cidr() {
        return toString(base) + "/" + prefixLength;
    }

    private int network(int slot) {
        if (slot < 0 || slot >= slotCount()) throw new IllegalArgumentException("slot " + slot + " out of range");
        return base + 4 * slot;
    }

    /** True if the CIDR {@code other} (a.b.c.d/n or a bare address) shares any address with this range. */
    public boolean overlaps(String other) {
        String[] p = other.split("/");
        int len = p.length == 2 ? Integer.parseInt(p[1]) : 32;
        int addr = toInt(p[0]);
        int common = Math.min(len, prefixLength);
        int mask = common == 0 ? 0 : -1 << (32 - common);
        return (addr & mask) == (base & mask);
    }

    static int toInt(String dotted) {
        String[] o = dotted.split("\\.");
        if (o.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        int v = 0;
        for (String s : o) {
            int b = Integer.parseInt(s);
            if (b < 0 || b > 255) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            v = (v << 8) | b;
        }
        return v;
    }

    static String toString(int v) {
        return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
    }
}
