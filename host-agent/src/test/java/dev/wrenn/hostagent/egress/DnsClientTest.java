package dev.wrenn.hostagent.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Against a real UDP server in the test that answers A queries for one name (with a compressed name). */
class DnsClientTest {
    @Test
    void readsAddressesAndTtlsAndTreatsNxdomainAsNone() throws Exception {
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Thread t = Thread.ofVirtual().start(() -> serve(server));
            var dns = new DnsClient(List.of((InetSocketAddress) server.getLocalSocketAddress()), 2000);
            assertThat(dns.resolve("a.test.example"))
                    .containsExactly(new DnsClient.Answer(0xcb00710a, 42), new DnsClient.Answer(0xcb00710b, 42));
            assertThat(dns.resolve("missing.test.example")).isEmpty();
            t.interrupt();
        }
    }

    private static void serve(DatagramSocket s) {
        try {
            while (true) {
                byte[] in = new byte[512];
                DatagramPacket p = new DatagramPacket(in, in.length);
                s.receive(p);
                ByteBuffer q = ByteBuffer.wrap(in, 0, p.getLength());
                q.position(12);
                DnsClient.skipName(q);
                int qEnd = q.position() + 4;
                String name = new String(in, 13, 1);
                boolean known = name.equals("a");
                ByteBuffer r = ByteBuffer.allocate(512);
                r.putShort(q.getShort(0)).putShort((short) (known ? 0x8180 : 0x8183));
                r.putShort((short) 1)
                        .putShort((short) (known ? 2 : 0))
                        .putShort((short) 0)
                        .putShort((short) 0);
                r.put(in, 12, qEnd - 12);
                for (int i = 0; known && i < 2; i++) {
                    r.putShort((short) 0xc00c)
                            .putShort((short) 1)
                            .putShort((short) 1)
                            .putInt(42);
                    r.putShort((short) 4).putInt(0xcb00710a + i);
                }
                s.send(new DatagramPacket(r.array(), r.position(), p.getSocketAddress()));
            }
        } catch (Exception e) {
            // socket closed: the test is over
        }
    }
}
