package dev.wrenn.hostagent.egress;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks an upstream resolver for a name's IPv4 addresses and their TTLs (the JDK's resolvers hide the
 * TTL, which the egress sets need to expire addresses). One UDP query per upstream, first answer wins.
 */
public final class DnsClient {
    /** One A record. */
    public record Answer(int address, int ttlSeconds) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private final List<InetSocketAddress> upstreams;
    private final int timeoutMs;

    public DnsClient(List<InetSocketAddress> upstreams, int timeoutMs) {
        this.upstreams = List.copyOf(upstreams);
        this.timeoutMs = timeoutMs;
    }

    /** The A records of {@code name} (CNAME chains followed by the upstream); empty if it has none. */
    public List<Answer> resolve(String name) throws IOException {
        IOException last = new IOException("no DNS upstream configured");
        for (InetSocketAddress up : upstreams) {
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(timeoutMs);
                int id = RANDOM.nextInt(1 << 16);
                byte[] q = query(id, name);
                s.send(new DatagramPacket(q, q.length, up));
                byte[] buf = new byte[4096];
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, p.getLength());
                    if (p.getLength() >= 12 && (b.getShort(0) & 0xffff) == id) return answers(b, name);
                }
            } catch (SocketTimeoutException e) {
                last = new IOException("DNS upstream " + up + " did not answer for " + name);
            } catch (IOException | RuntimeException e) {
                last = new IOException("DNS upstream " + up + " for " + name + ": " + e.getMessage(), e);
            }
        }
        throw last;
    }

    static byte[] query(int id, String name) {
        ByteBuffer b = ByteBuffer.allocate(512);
        b.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0);
        b.putShort((short) 0).putShort((short) 0);
        writeName(b, name);
        b.putShort((short) 1).putShort((short) 1); // A, IN
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    public static void writeName(ByteBuffer b, String name) {
        for (String label : name.split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            b.put((byte) l.length).put(l);
        }
        b.put((byte) 0);
    }

    static List<Answer> answers(ByteBuffer b, String name) throws IOException {
        int flags = b.getShort(2) & 0xffff;
        int rcode = flags & 0xf;
        if (rcode == 3) return List.of(); // NXDOMAIN: the name has no addresses
        if (rcode != 0) throw new IOException("DNS answer for " + name + " has rcode " + rcode);
        int qd = b.getShort(4) & 0xffff;
        int an = b.getShort(6) & 0xffff;
        b.position(12);
        for (int i = 0; i < qd; i++) {
            skipName(b);
            b.position(b.position() + 4);
        }
        List<Answer> out = new ArrayList<>();
        for (int i = 0; i < an; i++) {
            skipName(b);
            int type = b.getShort() & 0xffff;
            b.getShort();
            int ttl = b.getInt();
            int len = b.getShort() & 0xffff;
            if (type == 1 && len == 4) out.add(new Answer(b.getInt(), Math.max(0, ttl)));
            else b.position(b.position() + len);
        }
        return out;
    }

    /** Skips a (possibly compressed) name at the buffer's position. */
    public static void skipName(ByteBuffer b) {
        while (true) {
            int len = b.get() & 0xff;
            if (len == 0) return;
            if ((len & 0xc0) == 0xc0) {
                b.get();
                return;
            }
            b.position(b.position() + len);
        }
    }
}
