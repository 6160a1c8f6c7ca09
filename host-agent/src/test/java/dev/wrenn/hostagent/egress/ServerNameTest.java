package dev.wrenn.hostagent.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.hostagent.egress.ServerName.Protocol;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class ServerNameTest {
    /** A real ClientHello, as the JDK's TLS client sends it, for {@code name} (null: no SNI). */
    static byte[] clientHello(String name) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, null, null);
        SSLEngine e = name != null ? ctx.createSSLEngine(name, 443) : ctx.createSSLEngine();
        e.setUseClientMode(true);
        SSLParameters p = e.getSSLParameters();
        p.setServerNames(name != null ? List.of(new SNIHostName(name)) : List.of());
        e.setSSLParameters(p);
        ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
        e.wrap(ByteBuffer.allocate(0), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    static ServerName.Sniff sniff(byte[] b) {
        return ServerName.sniff(b, b.length);
    }

    static ServerName.Sniff sniff(String s) {
        return sniff(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void readsTheSniOfARealClientHello() throws Exception {
        byte[] hello = clientHello("API.Example.com");
        assertThat(sniff(hello)).isEqualTo(new ServerName.Sniff(true, Protocol.TLS, "api.example.com"));
        // Every prefix asks for more: the name is only known once the whole ClientHello is in.
        for (int n = 1; n < hello.length; n += 7)
            assertThat(ServerName.sniff(hello, n).complete()).as("prefix %d", n).isFalse();
    }

    @Test
    void aClientHelloSplitOverTwoRecordsStillNamesItsServer() throws Exception {
        byte[] hello = clientHello("split.example.com");
        int body = hello.length - 5;
        int first = body / 2;
        byte[] two = new byte[hello.length + 5];
        System.arraycopy(hello, 0, two, 0, 5 + first);
        two[3] = (byte) (first >> 8);
        two[4] = (byte) first;
        int at = 5 + first;
        two[at] = 0x16;
        two[at + 1] = hello[1];
        two[at + 2] = hello[2];
        two[at + 3] = (byte) ((body - first) >> 8);
        two[at + 4] = (byte) (body - first);
        System.arraycopy(hello, 5 + first, two, at + 5, body - first);
        assertThat(sniff(two).name()).isEqualTo("split.example.com");
    }

    @Test
    void noSniOrAMangledHelloNamesNothing() throws Exception {
        assertThat(sniff(clientHello(null))).isEqualTo(new ServerName.Sniff(true, Protocol.TLS, null));
        byte[] hello = clientHello("x.example.com");
        byte[] bad = hello.clone();
        bad[5] = 2; // a ServerHello, not a ClientHello
        assertThat(sniff(bad)).isEqualTo(new ServerName.Sniff(true, Protocol.TLS, null));
        byte[] cut = hello.clone();
        cut[5 + 4 + 34] = (byte) 0xff; // a session id longer than the message
        assertThat(sniff(cut).name()).isNull();
    }

    @Test
    void readsTheHostOfAnHttpRequest() {
        assertThat(sniff("GET / HTTP/1.1\r\nUser-Agent: curl\r\nHOST: Www.Example.COM.:8080\r\n\r\n"))
                .isEqualTo(new ServerName.Sniff(true, Protocol.HTTP, "www.example.com"));
        assertThat(sniff("POST /x HTTP/1.1\nhost: a.test\n\nbody").name()).isEqualTo("a.test");
        assertThat(sniff("GET / HTTP/1.1\r\nHost: a.test\r\n").complete()).isFalse();
        assertThat(sniff("GE").complete()).isFalse();
    }

    @Test
    void anHttpRequestWithoutOneTrustworthyNameNamesNothing() {
        assertThat(sniff("GET / HTTP/1.0\r\n\r\n")).isEqualTo(new ServerName.Sniff(true, Protocol.HTTP, null));
        assertThat(sniff("GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n")
                        .name())
                .isNull();
        assertThat(sniff("GET / HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n").name()).isNull();
        assertThat(sniff("GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n").name()).isNull();
        assertThat(sniff("GET / HTTP/1.1\r\nHost: a.test:http\r\n\r\n").name()).isNull();
        assertThat(sniff("GET / HTTP/1.1\r\nHost: a b.test\r\n\r\n").name()).isNull();
    }

    @Test
    void anythingElseIsNeitherAndAnEndlessHeadEndsAtTheLimit() {
        assertThat(sniff("SSH-2.0-OpenSSH_9.2\r\n")).isEqualTo(new ServerName.Sniff(true, Protocol.OTHER, null));
        assertThat(sniff(new byte[] {0, 1, 2})).isEqualTo(new ServerName.Sniff(true, Protocol.OTHER, null));
        byte[] endless = new byte[ServerName.MAX_BYTES];
        Arrays.fill(endless, (byte) 'a');
        System.arraycopy("GET / HTTP/1.1\r\nX: ".getBytes(StandardCharsets.US_ASCII), 0, endless, 0, 19);
        assertThat(sniff(endless)).isEqualTo(new ServerName.Sniff(true, Protocol.HTTP, null));
    }

    @Test
    void theDecisionFollowsTheNameWhereTheAddressIsNotAllowedItself() {
        int a = Cidr.parseAddress("198.18.2.1");
        var off = new NetworkPolicy(false, List.of("a.test", "*.inet.test", "10.0.0.0/8"), List.of("bad.inet.test"));
        assertThat(off.admits("a.test", a)).isTrue();
        assertThat(off.admits("x.inet.test", a)).isTrue();
        assertThat(off.admits("other.test", a)).as("shared address, other name").isFalse();
        assertThat(off.admits(null, a)).as("no name on an address open for one").isFalse();
        assertThat(off.admits("other.test", Cidr.parseAddress("10.1.2.3")))
                .as("allowed network")
                .isTrue();
        var on = new NetworkPolicy(true, List.of(), List.of("bad.test", "*.worse.test"));
        assertThat(on.admits("bad.test", a)).isFalse();
        assertThat(on.admits("x.worse.test", a)).isFalse();
        assertThat(on.admits("good.test", a)).isTrue();
        assertThat(on.admits(null, a)).isTrue();
        assertThat(on.hasDomains()).isTrue();
        assertThat(new NetworkPolicy(false, List.of("10.0.0.0/8"), List.of()).hasDomains())
                .isFalse();
    }
}
