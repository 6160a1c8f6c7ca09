package dev.wrenn.codeinterpreter.zmtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A ZMTP command body: a short name (READY, ERROR, ...) and, for READY, metadata properties
 * (1-octet name length, name, 4-octet value length, value).
 */
public record Command(String name, Map<String, byte[]> properties) {

    public static Command ready(String socketType, byte[] identity) {
        var props = new LinkedHashMap<String, byte[]>();
        props.put("Socket-Type", socketType.getBytes(StandardCharsets.US_ASCII));
        if (identity != null) props.put("Identity", identity);
        return new Command("READY", props);
    }

    public byte[] encode() {
        var out = new ByteArrayOutputStream();
        writeShortString(out, name);
        for (var p : properties.entrySet()) {
            writeShortString(out, p.getKey());
            byte[] v = p.getValue();
            out.writeBytes(ByteBuffer.allocate(4).putInt(v.length).array());
            out.writeBytes(v);
        }
        return out.toByteArray();
    }

    public static Command decode(byte[] body) throws IOException {
        var buf = ByteBuffer.wrap(body);
        try {
            String name = readShortString(buf);
            var props = new LinkedHashMap<String, byte[]>();
            // Only READY carries properties; ERROR's reason is a short string we keep under "Reason".
            if (name.equals("READY")) {
                while (buf.hasRemaining()) {
                    String key = readShortString(buf);
                    int len = buf.getInt();
                    if (len < 0 || len > buf.remaining()) throw new IOException("bad ZMTP property length");
                    byte[] v = new byte[len];
                    buf.get(v);
                    props.put(key, v);
                }
            } else if (name.equals("ERROR") && buf.hasRemaining()) {
                props.put("Reason", readShortString(buf).getBytes(StandardCharsets.US_ASCII));
            }
            return new Command(name, props);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IOException("truncated ZMTP command", e);
        }
    }

    /** Property lookup is case-insensitive in ZMTP. */
    public String property(String key) {
        for (var p : properties.entrySet()) {
            if (p.getKey().equalsIgnoreCase(key)) return new String(p.getValue(), StandardCharsets.US_ASCII);
        }
        return null;
    }

    private static void writeShortString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if (b.length > 255) throw new IllegalArgumentException("ZMTP short string over 255 bytes: " + s);
        out.write(b.length);
        out.writeBytes(b);
    }

    private static String readShortString(ByteBuffer buf) {
        int len = buf.get() & 0xFF;
        byte[] b = new byte[len];
        buf.get(b);
        return new String(b, StandardCharsets.US_ASCII);
    }
}
