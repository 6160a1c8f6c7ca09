package dev.wrenn.controlplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.testing.TestServer;
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** With a certificate configured the server speaks HTTPS on a second port, and plain HTTP as before. */
class TlsIT {
    @Test
    void servesHttpsBesidePlainHttp() throws Exception {
        Path dir = Files.createTempDirectory("wrenn-tls");
        Path keystore = dir.resolve("server.p12");
        // The JDK's keytool: a self-signed certificate for the API's name and every sandbox's under the domain.
        var keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "wrenn",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,dns:*.localhost,ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        assertThat(keytool.waitFor())
                .as(new String(keytool.getInputStream().readAllBytes()))
                .isZero();

        try (var server = TestServer.start(Map.of(
                "WRENN_TLS_KEYSTORE", keystore.toString(),
                "WRENN_TLS_KEYSTORE_PASSWORD", "changeit",
                "WRENN_TLS_PORT", "0"))) {
            int tlsPort = server.controlPlane().tlsPort();
            assertThat(tlsPort).isPositive().isNotEqualTo(server.controlPlane().port());

            var trust = KeyStore.getInstance("PKCS12");
            try (var in = new FileInputStream(keystore.toFile())) {
                trust.load(in, "changeit".toCharArray());
            }
            var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            var ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            try (var https = HttpClient.newBuilder().sslContext(ssl).build()) {
                var r = https.send(
                        HttpRequest.newBuilder(URI.create("https://localhost:" + tlsPort + "/healthz"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("ok");
            }
            // A client that does not trust the certificate is refused at the handshake.
            try (var untrusting = HttpClient.newHttpClient()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> untrusting.send(
                                HttpRequest.newBuilder(URI.create("https://localhost:" + tlsPort + "/healthz"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()))
                        .isInstanceOf(SSLHandshakeException.class);
            }
            assertThat(server.client().get("/healthz").status()).isEqualTo(200);
        }
    }
}
