package dev.wrenn.hostagent.network;

import com.sun.net.httpserver.HttpServer;
import dev.wrenn.hostagent.network.dns.DnsMessage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The servers of a test's "internet", run in its own network namespace by {@link TestInternet}: HTTP on
 * port 80 of every address (answering which address and Host it was asked on), and an authoritative
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
        http.createContext("/", ex -> {
            byte[] body = ("hello from " + ex.getLocalAddress().getAddress().getHostAddress() + " host "
                            + ex.getRequestHeaders().getFirst("Host") + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (var out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
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
