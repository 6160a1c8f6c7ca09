package dev.wrenn.codeinterpreter.jupyter;

import dev.wrenn.guestagent.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Jupyter messages on ZeroMQ frames: {@code [routing ids..., "<IDS|MSG>", signature, header, parent_header,
 * metadata, content, buffers...]}. Incoming signatures are checked over the bytes as received, before parsing.
 */
public final class WireCodec {
    static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);

    private final Signer signer;

    public WireCodec(Signer signer) {
        this.signer = signer;
    }

    /** Frames for a DEALER socket: it adds no routing id of its own, the kernel's ROUTER prefixes ours. */
    public List<byte[]> encode(Message m) {
        List<byte[]> parts = List.of(json(m.header()), json(m.parentHeader()), json(m.metadata()), json(m.content()));
        var frames = new ArrayList<byte[]>(6);
        frames.add(DELIMITER);
        frames.add(signer.sign(parts).getBytes(StandardCharsets.US_ASCII));
        frames.addAll(parts);
        return frames;
    }

    public Message decode(List<byte[]> frames) throws BadMessageException {
        int d = 0;
        while (d < frames.size() && !Arrays.equals(frames.get(d), DELIMITER)) d++;
        if (frames.size() < d + 6)
            throw new BadMessageException("not a Jupyter message (" + frames.size() + " frames)");
        List<byte[]> parts = frames.subList(d + 2, d + 6);
        if (!signer.verify(frames.get(d + 1), parts))
            throw new BadMessageException("Jupyter message with a bad signature");
        return new Message(dict(parts.get(0)), dict(parts.get(1)), dict(parts.get(2)), dict(parts.get(3)));
    }

    private static byte[] json(Map<String, Object> m) {
        return Json.write(m).getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dict(byte[] b) throws BadMessageException {
        try {
            if (Json.parse(new String(b, StandardCharsets.UTF_8)) instanceof Map<?, ?> m)
                return (Map<String, Object>) m;
        } catch (IllegalArgumentException e) {
            throw new BadMessageException("Jupyter message part is not JSON: " + e.getMessage());
        }
        throw new BadMessageException("Jupyter message part is not a JSON object");
    }
}
