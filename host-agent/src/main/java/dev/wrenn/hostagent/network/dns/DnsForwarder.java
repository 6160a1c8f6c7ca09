package dev.wrenn.hostagent.network.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One slot's resolver: UDP and TCP on the slot's host-side address, port 53, answering only its own
 * slot's guest (seen, after the slot's NAT, as the slot address), forwarding to the upstreams and
 * answering SERVFAIL when none does. Bounded: at most {@link #MAX_IN_FLIGHT} queries at once, UDP
 * queries up to {@link #MAX_UDP} bytes, a TCP connection idles at most {@link #TCP_IDLE_MS} and carries
 * at most {@link #MAX_TCP_QUERIES}.
 */
public final class DnsForwarder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsForwarder.class);
    static final int MAX_IN_FLIGHT = 32;
    static final int MAX_UDP = 4096;
    static final int TCP_IDLE_MS = 5_000;
    static final int MAX_TCP_QUERIES = 16;

    private final InetAddress client;
    private final UpstreamClient upstream;
    private final NamePolicy policy;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private volatile boolean closed;

    private DnsForwarder(
            InetAddress client, UpstreamClient upstream, NamePolicy policy, DatagramSocket udp, ServerSocket tcp) {
        this.client = client;
        this.upstream = upstream;
        this.policy = policy;
        this.udp = udp;
        this.tcp = tcp;
    }

    /** Binds {@code listen}:{@code port} (UDP and TCP) and starts serving {@code client} only. */
    public static DnsForwarder start(
            InetAddress listen, int port, InetAddress client, UpstreamClient upstream, NamePolicy policy)
            throws IOException {
        DatagramSocket udp = new DatagramSocket(new InetSocketAddress(listen, port));
        ServerSocket tcp;
        try {
            tcp = new ServerSocket();
            tcp.bind(new InetSocketAddress(listen, port), 16);
        } catch (IOException e) {
            udp.close();
            throw e;
        }
        DnsForwarder f = new DnsForwarder(client, upstream, policy, udp, tcp);
        Thread.ofVirtual().name("dns-udp-" + listen.getHostAddress()).start(f::serveUdp);
        Thread.ofVirtual().name("dns-tcp-" + listen.getHostAddress()).start(f::serveTcp);
        return f;
    }

    private void serveUdp() {
        byte[] buf = new byte[MAX_UDP + 1];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (IOException e) {
                if (!closed) log.warn("dns udp receive: {}", e.toString());
                return;
            }
            // Only its own guest; an oversized datagram is not a query this forwarder answers.
            if (!client.equals(p.getAddress()) || p.getLength() > MAX_UDP) continue;
            if (!inFlight.tryAcquire()) continue;
            byte[] query = Arrays.copyOf(buf, p.getLength());
            var from = p.getSocketAddress();
            Thread.ofVirtual().start(() -> {
                try {
                    byte[] answer = answer(query, false);
                    if (answer != null) udp.send(new DatagramPacket(answer, answer.length, from));
                } catch (IOException e) {
                    log.debug("dns udp send: {}", e.toString());
                } finally {
                    inFlight.release();
                }
            });
        }
    }

    private void serveTcp() {
        while (!closed) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                if (!closed) log.warn("dns tcp accept: {}", e.toString());
                return;
            }
            if (!client.equals(s.getInetAddress()) || !inFlight.tryAcquire()) {
                closeQuietly(s);
                continue;
            }
            Thread.ofVirtual().start(() -> {
                try (s) {
                    s.setSoTimeout(TCP_IDLE_MS);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    for (int i = 0; i < MAX_TCP_QUERIES && !closed; i++) {
                        int len = in.readUnsignedShort();
                        byte[] query = in.readNBytes(len);
                        if (query.length < len) return;
                        byte[] answer = answer(query, true);
                        if (answer == null) return;
                        out.writeShort(answer.length);
                        out.write(answer);
                        out.flush();
                    }
                } catch (EOFException e) {
                    // the guest closed the connection
                } catch (IOException e) {
                    log.debug("dns tcp: {}", e.toString());
                } finally {
                    inFlight.release();
                }
            });
        }
    }

    /** The answer to relay, or null to stay silent (a message that is not a standard query). */
    byte[] answer(byte[] query, boolean overTcp) {
        DnsMessage.Query q;
        try {
            q = DnsMessage.parseQuery(query, query.length);
        } catch (DnsFormatException e) {
            return null;
        }
        if (q.isResponse() || q.opcode() != 0) return null;
        if (!policy.allows(q.name())) return DnsMessage.error(query, q, DnsMessage.RCODE_REFUSED);
        byte[] answer = overTcp ? upstream.tcp(query, q.id()) : upstream.udp(query, q.id());
        if (answer == null) return DnsMessage.error(query, q, DnsMessage.RCODE_SERVFAIL);
        policy.observe(q.name(), DnsMessage.answerAddresses(answer, answer.length));
        return answer;
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        closeQuietly(tcp);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
