package dev.wrenn.hostagent.network.dns;

/** A DNS message that does not parse: the forwarder drops it (UDP) or closes the connection (TCP). */
public final class DnsFormatException extends Exception {
    public DnsFormatException(String message) {
        super(message);
    }
}
