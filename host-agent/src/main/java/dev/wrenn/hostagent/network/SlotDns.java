package dev.wrenn.hostagent.network;

import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.network.dns.DnsForwarder;
import dev.wrenn.hostagent.network.dns.NamePolicy;
import dev.wrenn.hostagent.network.dns.UpstreamClient;
import java.io.IOException;
import java.net.InetAddress;

/**
 * Each slot's resolver: a {@link DnsForwarder} on the slot's host-side address, port 53, answering its
 * own guest only, and the guard table's admission of that one address and port for that one slot (the
 * rest of the host stays out of reach). The slot's NAT sends the guest's queries to its gateway there.
 */
public final class SlotDns {
    public static final int PORT = 53;

    private final UpstreamClient upstream;
    private final NeverReach guard;

    public SlotDns(UpstreamClient upstream, NeverReach guard) {
        this.upstream = upstream;
        this.guard = guard;
    }

    /** The guard table that admits each slot to its own services. */
    public NeverReach guard() {
        return guard;
    }

    public UpstreamClient upstream() {
        return upstream;
    }

    /** Serves {@code slot}'s guest under {@code names} until {@code td} runs. */
    public void start(NetworkSlot slot, NamePolicy names, Teardown td) throws IOException {
        // After the slot's NAT the guest's queries come from the slot address.
        DnsForwarder f = DnsForwarder.start(
                InetAddress.getByName(slot.hostIp()), PORT, InetAddress.getByName(slot.slotAddress()), upstream, names);
        td.add("dns forwarder " + slot.hostIp(), f::close);
        guard.admitDns(slot);
        td.add("dns admission " + slot.hostVeth(), () -> guard.revokeDns(slot));
    }
}
