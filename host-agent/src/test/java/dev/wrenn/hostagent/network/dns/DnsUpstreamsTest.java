package dev.wrenn.hostagent.network.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DnsUpstreamsTest {
    @Test
    void parsesAddressesWithAndWithoutPorts() {
        assertThat(DnsUpstreams.parse(" 192.0.2.1, 192.0.2.2:5353 ,::1,[2001:db8::1]:54"))
                .containsExactly(
                        new InetSocketAddress("192.0.2.1", 53),
                        new InetSocketAddress("192.0.2.2", 5353),
                        new InetSocketAddress("::1", 53),
                        new InetSocketAddress("2001:db8::1", 54));
    }

    @Test
    void refusesNamesBadPortsAndEmptyLists() {
        assertThatThrownBy(() -> DnsUpstreams.parse("dns.example")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsUpstreams.parse("192.0.2.1:0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsUpstreams.parse("192.0.2.1:x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsUpstreams.parse("[::1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsUpstreams.parse(" , ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsResolvConfNameservers(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(
                dir.resolve("resolv.conf"),
                "# c\nsearch example\nnameserver 192.0.2.9\nnameserver bogus\nnameserver ::1\n");
        assertThat(DnsUpstreams.fromResolvConf(f))
                .containsExactly(new InetSocketAddress("192.0.2.9", 53), new InetSocketAddress("::1", 53));
        assertThat(DnsUpstreams.fromResolvConf(dir.resolve("missing"))).isEmpty();
    }
}
