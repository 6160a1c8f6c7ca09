package dev.wrenn.hostagent.egress;

import dev.wrenn.hostagent.host.NativeTcp;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One slot's name checker: the guard table redirects the guest's TCP 80 and 443 here (on the slot's
 * host-side address) while its egress policy names domains. Each connection's first bytes give the
 * name it asks for (TLS SNI, HTTP Host, {@link ServerName}); the policy in force decides
 * ({@link NetworkPolicy#admits}); an admitted connection is dialled to its original destination and
 * relayed unchanged, a refused one gets a TLS access_denied alert or an HTTP 403 saying why.
 */
public final class NameChecker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NameChecker.class);
    /** Connections of one guest at once; beyond, new ones are reset. */
    static final int MAX_CONNECTIONS = 256;

    private final String id;
    private final InetAddress guest;
    private final Supplier<NetworkPolicy> policy;
    private final Predicate<Inet4Address> neverReach;
    private final int listener;
    private final Set<CheckedConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private NameChecker(
            String id,
            InetAddress guest,
            Supplier<NetworkPolicy> policy,
            Predicate<Inet4Address> neverReach,
            int listener) {
        this.id = id;
        this.guest = guest;
        this.policy = policy;
        this.neverReach = neverReach;
        this.listener = listener;
    }

    /**
     * @param guest where the slot's guest connections come from (its slot address, after the slot's NAT)
     * @param policy the policy in force at the time of each connection
     * @param neverReach what the checker never dials, whatever the policy (the guard table's ranges)
     */
    public static NameChecker start(
            String id,
            Inet4Address local,
            int port,
            InetAddress guest,
            Supplier<NetworkPolicy> policy,
            Predicate<Inet4Address> neverReach)
            throws IOException {
        NameChecker c = new NameChecker(id, guest, policy, neverReach, NativeTcp.listen(local, port, 128));
        Thread.ofPlatform().daemon().name("name-checker-" + id).start(c::acceptLoop);
        return c;
    }

    private void acceptLoop() {
        while (!closed) {
            int fd;
            try {
                fd = NativeTcp.accept(listener);
            } catch (IOException e) {
                if (!closed) log.warn("sandbox {}: name checker stopped: {}", id, e.getMessage());
                return;
            }
            try {
                InetSocketAddress from = NativeTcp.peer(fd);
                if (!from.getAddress().equals(guest) || open.size() >= MAX_CONNECTIONS) {
                    NativeTcp.reset(fd);
                    continue;
                }
                InetSocketAddress to = NativeTcp.originalDestination(fd);
                if (!(to.getAddress() instanceof Inet4Address a4) || neverReach.test(a4) || isLocal(a4)) {
                    NativeTcp.reset(fd);
                    continue;
                }
                CheckedConnection c = new CheckedConnection(id, fd, to, policy, open::remove);
                open.add(c);
                Thread.ofPlatform().daemon().name("name-check-" + id).start(c::run);
            } catch (IOException | RuntimeException e) {
                log.debug("sandbox {}: checked connection dropped: {}", id, e.toString());
                NativeTcp.reset(fd);
            }
        }
    }

    private static boolean isLocal(InetAddress a) {
        try {
            return a.isAnyLocalAddress()
                    || a.isLoopbackAddress()
                    || java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() {
        closed = true;
        NativeTcp.shutdown(listener, NativeTcp.SHUT_RDWR);
        NativeTcp.close(listener);
        for (CheckedConnection c : open) c.stop();
    }
}
