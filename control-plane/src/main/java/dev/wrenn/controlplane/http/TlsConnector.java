package dev.wrenn.controlplane.http;

import dev.wrenn.controlplane.config.TlsConfig;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The server's connectors when it also serves HTTPS ({@link TlsConfig}); without it Javalin makes its own. */
final class TlsConnector {
    private TlsConnector() {}

    static ServerConnector https(
            Server server, HttpConfiguration plain, String host, TlsConfig tls, long idleTimeoutMs) {
        var ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(tls.keystore().toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(tls.password());
        var https = new HttpConfiguration(plain);
        var secure = new SecureRequestCustomizer();
        // One certificate serves many names (the API's, every sandbox's); a client that connects by address sends
        // no SNI at all. The certificate check is the client's.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        var connector = new ServerConnector(
                server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(tls.port());
        connector.setIdleTimeout(idleTimeoutMs);
        return connector;
    }

    static ServerConnector plain(Server server, HttpConfiguration http, String host, int port, long idleTimeoutMs) {
        var connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeoutMs);
        return connector;
    }
}
