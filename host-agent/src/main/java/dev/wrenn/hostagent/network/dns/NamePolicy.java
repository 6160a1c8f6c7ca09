package dev.wrenn.hostagent.network.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * A slot's say over the names its guest resolves: the hook a domain egress policy plugs into (refuse a
 * name before it is forwarded; learn the addresses an allowed name resolved to, to open the firewall
 * for them).
 */
public interface NamePolicy {
    /** Allows every name and ignores answers. */
    NamePolicy ALLOW_ALL = name -> true;

    /** Whether {@code name} (lower case, no trailing dot) may be resolved; false answers REFUSED. */
    boolean allows(String name);

    /** Called with the A/AAAA addresses of each answer relayed for {@code name}. */
    default void observe(String name, List<InetAddress> addresses) {}
}
