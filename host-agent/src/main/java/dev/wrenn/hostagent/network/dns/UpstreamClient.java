package dev.wrenn.hostagent.network.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Asks the upstreams in order, each once within a timeout; null when none answers. */
public final class UpstreamClient {
    private final List<InetSocketAddress> upstreams;
    private final int timeoutMs;

    public UpstreamClient(List<InetSocketAddress> upstreams, Duration timeout) {
        this.upstreams = List.copyOf(upstreams);
        this.timeoutMs = (int) timeout.toMillis();
    }

    public List<InetSocketAddress> upstreams() {
        return upstreams;
    }

    /** Over UDP; a truncated (TC) answer is relayed as it is, for the guest to retry over TCP. */
    public byte[] udp(byte[] query, int id) {
        for (InetSocketAddress up : upstreams) {
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(timeoutMs);
                s.connect(up);
                s.send(new DatagramPacket(query, query.length));
                byte[] buf = new byte[65_535];
                long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    // A stray datagram with another id (a late answer, a spoof) is not this answer.
                    if (p.getLength() >= DnsMessage.HEADER && DnsMessage.u16(buf, 0) == id && (buf[2] & 0x80) != 0) {
                        return Arrays.copyOf(buf, p.getLength());
                    }
                    int left = (int) ((deadline - System.nanoTime()) / 1_000_000L);
                    if (left <= 0) break;
                    s.setSoTimeout(left);
                }
            } catch (SocketTimeoutException e) {
                // next upstream
            } catch (IOException e) {
                // unreachable or refused: next upstream
            }
        }
        return null;
    }

    public byte[] tcp(byte[] query, int id) {
        for (InetSocketAddress up : upstreams) {
            try (Socket s = new Socket()) {
                s.connect(up, timeoutMs);
                s.setSoTimeout(timeoutMs);
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeShort(query.length);
                out.write(query);
                out.flush();
                DataInputStream in = new DataInputStream(s.getInputStream());
                int len = in.readUnsignedShort();
                byte[] answer = in.readNBytes(len);
                if (answer.length == len && len >= DnsMessage.HEADER && DnsMessage.u16(answer, 0) == id) {
                    return answer;
                }
            } catch (IOException e) {
                // next upstream
            }
        }
        return null;
    }
}
