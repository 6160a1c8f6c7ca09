package dev.wrenn.codeinterpreter.zmtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The 64-byte ZMTP 3.0 greeting (RFC 23): signature, version, security mechanism, as-server flag.
 * Wrenn only ever connects to kernels on loopback, so the mechanism is always NULL.
 */
public final class Greeting {
    public static final int LENGTH = 64;
    static final String NULL_MECHANISM = "NULL";

    private Greeting() {}

    /** Our greeting: version 3.0, so that libzmq peers speak the 3.0 dialect (subscriptions as messages). */
    public static byte[] encode() {
        byte[] g = new byte[LENGTH];
        g[0] = (byte) 0xFF;
        g[9] = 0x7F;
        g[10] = 3;
        g[11] = 0;
        byte[] mech = NULL_MECHANISM.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(mech, 0, g, 12, mech.length);
        g[32] = 0; // as-server: we are the client
        return g;
    }

    /** Checks the peer's greeting; a peer older than 3.0 or with another mechanism cannot talk to us. */
    public static void check(byte[] g) throws IOException {
        if (g.length != LENGTH || (g[0] & 0xFF) != 0xFF || g[9] != 0x7F) {
            throw new IOException("not a ZMTP peer (bad greeting signature)");
        }
        if (g[10] < 3) {
            throw new IOException("ZMTP peer speaks version " + g[10] + "." + g[11] + ", 3.0 or later is needed");
        }
        String mech = new String(g, 12, 20, StandardCharsets.US_ASCII).replace("\0", "");
        if (!NULL_MECHANISM.equals(mech)) {
            throw new IOException("ZMTP peer wants the " + mech + " mechanism, only NULL is supported");
        }
    }
}
