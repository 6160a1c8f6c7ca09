package dev.wrenn.codeinterpreter.jupyter;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 over a message's four JSON parts (header, parent header, metadata, content), hex
 * encoded: the connection file's {@code signature_scheme}. Anything else on loopback that guessed a
 * port could otherwise run code in the kernel or feed us forged output.
 */
public final class Signer {
    private final SecretKeySpec key;

    public Signer(String key) {
        if (key.isEmpty()) throw new IllegalArgumentException("an empty key would disable signing");
        this.key = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String sign(List<byte[]> parts) {
        Mac mac = mac();
        for (byte[] p : parts) mac.update(p);
        return HexFormat.of().formatHex(mac.doFinal());
    }

    /** Constant-time comparison, so that the check leaks nothing about the expected signature. */
    public boolean verify(byte[] signature, List<byte[]> parts) {
        byte[] expected = sign(parts).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature);
    }

    private Mac mac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of java.base", e);
        }
    }
}
