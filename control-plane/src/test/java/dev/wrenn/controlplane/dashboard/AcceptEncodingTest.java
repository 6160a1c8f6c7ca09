package dev.wrenn.controlplane.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AcceptEncodingTest {
    @Test
    void gzipNamedOrCoveredByAStar() {
        assertThat(AcceptEncoding.allowsGzip("gzip, deflate, br, zstd")).isTrue();
        assertThat(AcceptEncoding.allowsGzip("GZIP")).isTrue();
        assertThat(AcceptEncoding.allowsGzip("x-gzip")).isTrue();
        assertThat(AcceptEncoding.allowsGzip("br;q=1.0, gzip;q=0.8")).isTrue();
        assertThat(AcceptEncoding.allowsGzip("*")).isTrue();
    }

    @Test
    void absentRefusedOrOnlyOthers() {
        assertThat(AcceptEncoding.allowsGzip(null)).isFalse();
        assertThat(AcceptEncoding.allowsGzip("")).isFalse();
        assertThat(AcceptEncoding.allowsGzip("identity")).isFalse();
        assertThat(AcceptEncoding.allowsGzip("br, deflate")).isFalse();
        assertThat(AcceptEncoding.allowsGzip("gzip;q=0")).isFalse();
        assertThat(AcceptEncoding.allowsGzip("gzip;q=0.000, *")).isFalse();
        assertThat(AcceptEncoding.allowsGzip("*;q=0")).isFalse();
    }

    @Test
    void aWeightThatIsNotANumberCountsAsAbsent() {
        assertThat(AcceptEncoding.allowsGzip("gzip;q=high")).isTrue();
    }
}
