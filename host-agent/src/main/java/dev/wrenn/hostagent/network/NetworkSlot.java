package dev.wrenn.hostagent.network;

/**
 * One sandbox's network: a namespace holding the TAP that the VMM opens and one end of a veth pair whose
 * other end sits in the root namespace. Every slot gives its guest the same address and gateway, so
 * a VM (or a snapshot of one) never needs renumbering.
 */
public record NetworkSlot(
        int index,
        String netns,
        String hostVeth,
        String nsVeth,
        String tap,
        String hostIp,
        String slotAddress,
        String guestIp,
        String gatewayIp,
        String guestMac) {

    public static final String GUEST_IP = "169.254.0.21";
    public static final String GATEWAY_IP = "169.254.0.22";
    public static final String GUEST_MAC = "02:77:72:6e:00:01";

    /** Names fit IFNAMSIZ (15) for prefixes up to 6 characters and up to 99999 slots. */
    public static NetworkSlot of(String prefix, int index, SlotAddressing addressing) {
        return new NetworkSlot(
                index,
                prefix + "ns" + index,
                prefix + "h" + index,
                prefix + "n" + index,
                prefix + "tap",
                addressing.hostIp(index),
                addressing.slotAddress(index),
                GUEST_IP,
                GATEWAY_IP,
                GUEST_MAC);
    }
}
