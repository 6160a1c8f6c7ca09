package dev.wrenn.hostagent.network.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real UDP on loopback: a relayed answer, SERVFAIL with no upstream, REFUSED by policy. */
class DnsForwarderTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    static int freePort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, LO)) {
            return s.getLocalPort();
        }
    }

    static byte[] ask(int port, byte[] q) throws Exception {
        try (DatagramSocket c = new DatagramSocket(0, LO)) {
            c.setSoTimeout(10_000);
            c.send(new DatagramPacket(q, q.length, new InetSocketAddress(LO, port)));
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            c.receive(p);
            return Arrays.copyOf(buf, p.getLength());
        }
    }

    @Test
    void relaysFailsAndRefuses() throws Exception {
        try (DatagramSocket up = new DatagramSocket(0, LO)) {
            Thread.ofVirtual().start(() -> {
                try {
                    byte[] b = new byte[512];
                    DatagramPacket p = new DatagramPacket(b, b.length);
                    up.receive(p);
                    byte[] r = Arrays.copyOf(b, p.getLength());
                    r[2] |= (byte) 0x80;
                    up.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
                } catch (Exception ignored) {
                    // the test fails on its own
                }
            });
            int port = freePort();
            UpstreamClient client =
                    new UpstreamClient(List.of(new InetSocketAddress(LO, up.getLocalPort())), Duration.ofSeconds(2));
            NamePolicy policy = n -> !n.equals("denied.example");
            try (DnsForwarder f = DnsForwarder.start(LO, port, LO, client, policy)) {
                byte[] ok = ask(port, DnsMessageTest.query(5, "ok.example"));
                assertThat(ok[3] & 0x0F).isZero();
                assertThat(DnsMessage.u16(ok, 0)).isEqualTo(5);
                byte[] refused = ask(port, DnsMessageTest.query(6, "denied.example"));
                assertThat(refused[3] & 0x0F).isEqualTo(DnsMessage.RCODE_REFUSED);
            }
            int port2 = freePort();
            UpstreamClient dead =
                    new UpstreamClient(List.of(new InetSocketAddress(LO, freePort())), Duration.ofMillis(300));
            try (DnsForwarder f = DnsForwarder.start(LO, port2, LO, dead, NamePolicy.ALLOW_ALL)) {
                byte[] fail = ask(port2, DnsMessageTest.query(8, "x.example"));
                assertThat(fail[3] & 0x0F).isEqualTo(DnsMessage.RCODE_SERVFAIL);
            }
        }
    }
}
