package dev.wrenn.hostagent.network;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.wrenn.hostagent.network.dns.DnsMessage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The servers of a test's "internet", run in its own network namespace by {@link TestInternet}: HTTP on
 * port 80 and HTTPS on 443 (a self-signed certificate) of every address, answering which scheme, address
 * and Host it was asked on, and an authoritative
 * DNS server on port 53 (UDP and TCP) that knows the names given as {@code name=a.b.c.d} arguments and
 * answers NXDOMAIN for the rest.
 */
public final class InternetHost {
    private InternetHost() {}

    public static void main(String[] args) throws Exception {
        Map<String, byte[]> names = new HashMap<>();
        for (String a : args) {
            String[] kv = a.split("=", 2);
            names.put(kv[0], InetAddress.getByName(kv[1]).getAddress());
        }
        HttpServer http = HttpServer.create(new InetSocketAddress(80), 64);
        http.createContext("/", InternetHost::hello);
        http.start();
        HttpsServer https = HttpsServer.create(new InetSocketAddress(443), 64);
        https.setHttpsConfigurator(new HttpsConfigurator(selfSigned()));
        https.createContext("/", InternetHost::hello);
        https.start();
        DatagramSocket udp = new DatagramSocket(53);
        ServerSocket tcp = new ServerSocket(53);
        Thread.ofPlatform().daemon().start(() -> serveTcp(tcp, names));
        System.out.println("ready");
        System.out.flush();
        byte[] buf = new byte[4096];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            udp.receive(p);
            byte[] answer = answer(Arrays.copyOf(buf, p.getLength()), names);
            if (answer != null) udp.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
        }
    }

    private static void hello(HttpExchange ex) throws IOException {
        String scheme = ex instanceof com.sun.net.httpserver.HttpsExchange ? "https" : "http";
        byte[] body = (scheme + " hello from "
                        + ex.getLocalAddress().getAddress().getHostAddress() + " host "
                        + ex.getRequestHeaders().getFirst("Host") + "\n")
                .getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, body.length);
        try (var out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** A throwaway key and self-signed certificate (keytool of this JDK); clients in tests do not verify it. */
    private static SSLContext selfSigned() throws Exception {
        Path dir = Files.createTempDirectory("wit-tls-");
        Path ks = dir.resolve("inet.p12");
        char[] pass = "internet".toCharArray();
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "inet",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=inet.test",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        ks.toString(),
                        "-storepass",
                        new String(pass))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("keytool: " + out);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(ks)) {
            store.load(in, pass);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, pass);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        Files.delete(ks);
        Files.delete(dir);
        return ctx;
    }

    private static void serveTcp(ServerSocket tcp, Map<String, byte[]> names) {
        while (true) {
            try (Socket s = tcp.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] q = in.readNBytes(in.readUnsignedShort());
                byte[] a = answer(q, names);
                if (a == null) continue;
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeShort(a.length);
                out.write(a);
                out.flush();
            } catch (Exception e) {
                // next connection
            }
        }
    }

    /** An A record for a known name (60 s TTL), no record for its other types, NXDOMAIN otherwise. */
    static byte[] answer(byte[] query, Map<String, byte[]> names) {
        DnsMessage.Query q;
        try {
            q = DnsMessage.parseQuery(query, query.length);
        } catch (Exception e) {
            return null;
        }
        byte[] addr = names.get(q.name());
        if (addr == null) return DnsMessage.error(query, q, 3);
        byte[] head = DnsMessage.error(query, q, 0);
        if (q.type() != 1) return head;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head);
        out.writeBytes(new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4});
        out.writeBytes(addr);
        byte[] r = out.toByteArray();
        r[7] = 1; // ANCOUNT
        r[2] |= 0x04; // AA
        return r;
    }
}
