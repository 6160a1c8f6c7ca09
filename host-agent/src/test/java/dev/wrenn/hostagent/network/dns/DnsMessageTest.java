package dev.wrenn.hostagent.network.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class DnsMessageTest {
    static byte[] query(int id, String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) (id >> 8), (byte) id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
        for (String l : name.split("\\.")) {
            b.write(l.length());
            b.writeBytes(l.getBytes());
        }
        b.writeBytes(new byte[] {0, 0, 1, 0, 1});
        return b.toByteArray();
    }

    @Test
    void parsesTheQuestionInLowerCase() throws Exception {
        byte[] q = query(0x1234, "WWW.Example.org");
        DnsMessage.Query p = DnsMessage.parseQuery(q, q.length);
        assertThat(p.id()).isEqualTo(0x1234);
        assertThat(p.name()).isEqualTo("www.example.org");
        assertThat(p.type()).isEqualTo(1);
        assertThat(p.questionEnd()).isEqualTo(q.length);
        assertThat(p.isResponse()).isFalse();
    }

    @Test
    void errorAnswerEchoesTheQuestion() throws Exception {
        byte[] q = query(7, "a.b");
        DnsMessage.Query p = DnsMessage.parseQuery(q, q.length);
        byte[] r = DnsMessage.error(q, p, DnsMessage.RCODE_SERVFAIL);
        assertThat(r).hasSize(q.length);
        assertThat(DnsMessage.u16(r, 0)).isEqualTo(7);
        assertThat(r[2] & 0x80).isEqualTo(0x80); // QR
        assertThat(r[3] & 0x0F).isEqualTo(2); // SERVFAIL
        assertThat(DnsMessage.u16(r, 6)).isZero();
    }

    @Test
    void rejectsTruncatedLoopingAndOverlongNames() {
        byte[] q = query(1, "abc.def");
        assertThatThrownBy(() -> DnsMessage.parseQuery(q, 11)).isInstanceOf(DnsFormatException.class);
        assertThatThrownBy(() -> DnsMessage.parseQuery(q, q.length - 3)).isInstanceOf(DnsFormatException.class);
        byte[] loop = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1};
        assertThatThrownBy(() -> DnsMessage.parseQuery(loop, loop.length)).isInstanceOf(DnsFormatException.class);
        String longName = ("a".repeat(63) + ".").repeat(5) + "x";
        byte[] big = query(1, longName);
        assertThatThrownBy(() -> DnsMessage.parseQuery(big, big.length)).isInstanceOf(DnsFormatException.class);
    }

    @Test
    void extractsAnswerAddressesThroughCompression() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] q = query(9, "h.example");
        q[2] = (byte) 0x81;
        q[7] = 1; // ANCOUNT 1
        b.writeBytes(q);
        b.writeBytes(new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, (byte) 203, 0, 113, 7});
        byte[] m = b.toByteArray();
        assertThat(DnsMessage.answerAddresses(m, m.length)).containsExactly(InetAddress.getByName("203.0.113.7"));
        assertThat(DnsMessage.answerAddresses(m, m.length - 2)).isEmpty();
    }
}
