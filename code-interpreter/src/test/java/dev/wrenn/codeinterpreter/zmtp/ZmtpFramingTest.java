package dev.wrenn.codeinterpreter.zmtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

/** The ZMTP 3.0 wire format (RFC 23) byte for byte: greeting, frames, commands. */
class ZmtpFramingTest {
    @Test
    void theGreetingIsSixtyFourBytesOfVersionThreeNullAsClient() throws IOException {
        byte[] g = Greeting.encode();
        assertThat(g).hasSize(64);
        assertThat(g[0] & 0xFF).isEqualTo(0xFF);
        assertThat(Arrays.copyOfRange(g, 1, 9)).containsOnly(0);
        assertThat(g[9]).isEqualTo((byte) 0x7F);
        assertThat(g[10]).isEqualTo((byte) 3);
        assertThat(g[11]).isEqualTo((byte) 0);
        assertThat(new String(g, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("NULL");
        assertThat(Arrays.copyOfRange(g, 16, 64)).containsOnly(0);
        Greeting.check(g);
    }

    @Test
    void aNewerMinorVersionIsAcceptedButAnOlderMajorOrAnotherMechanismIsNot() throws IOException {
        byte[] g = Greeting.encode();
        g[11] = 1;
        g[32] = 1; // libzmq peers answer as server
        Greeting.check(g);

        byte[] old = Greeting.encode();
        old[10] = 2;
        assertThatThrownBy(() -> Greeting.check(old)).hasMessageContaining("version 2.0");

        byte[] plain = Greeting.encode();
        System.arraycopy("PLAIN".getBytes(StandardCharsets.US_ASCII), 0, plain, 12, 5);
        assertThatThrownBy(() -> Greeting.check(plain)).hasMessageContaining("PLAIN");

        byte[] http = Arrays.copyOf("HTTP/1.1 400 Bad Request".getBytes(StandardCharsets.US_ASCII), 64);
        assertThatThrownBy(() -> Greeting.check(http)).hasMessageContaining("signature");
    }

    @Test
    void aShortFrameIsFlagsSizeBody() throws IOException {
        byte[] wire = write(true, false, "hi".getBytes(StandardCharsets.US_ASCII));
        assertThat(wire).containsExactly(0x01, 2, 'h', 'i');
        Frame f = read(wire);
        assertThat(f.more()).isTrue();
        assertThat(f.command()).isFalse();
        assertThat(new String(f.body(), StandardCharsets.US_ASCII)).isEqualTo("hi");
    }

    @Test
    void aBodyOver255BytesTakesTheLongFormWithAnEightByteBigEndianSize() throws IOException {
        byte[] body = new byte[300];
        Arrays.fill(body, (byte) 7);
        byte[] wire = write(false, false, body);
        assertThat(wire).hasSize(1 + 8 + 300);
        assertThat(wire[0]).isEqualTo((byte) 0x02);
        assertThat(Arrays.copyOfRange(wire, 1, 9)).containsExactly(0, 0, 0, 0, 0, 0, 0x01, 0x2C);
        Frame f = read(wire);
        assertThat(f.more()).isFalse();
        assertThat(f.body()).isEqualTo(body);
    }

    @Test
    void exactly255BytesStillFitTheShortForm() throws IOException {
        byte[] wire = write(false, false, new byte[255]);
        assertThat(wire[0]).isEqualTo((byte) 0);
        assertThat(wire[1] & 0xFF).isEqualTo(255);
        assertThat(read(wire).body()).hasSize(255);
    }

    @Test
    void badFramesAreRefusedBeforeAnythingIsAllocated() {
        assertThatThrownBy(() -> read(new byte[] {(byte) 0x80, 0})).hasMessageContaining("reserved flag");
        byte[] huge = {0x02, 0x7F, 0, 0, 0, 0, 0, 0, 0};
        assertThatThrownBy(() -> Frame.read(new DataInputStream(new ByteArrayInputStream(huge)), 1 << 20))
                .hasMessageContaining("over the 1048576-byte limit");
        assertThatThrownBy(() -> read(new byte[] {0x05, 0})).hasMessageContaining("command frame with the MORE");
        assertThatThrownBy(() -> read(new byte[] {0x00, 5, 'a'})).isInstanceOf(EOFException.class);
    }

    @Test
    void readyCarriesSocketTypeAndIdentityAsLengthPrefixedProperties() throws IOException {
        byte[] body = Command.ready("DEALER", "id".getBytes(StandardCharsets.US_ASCII))
                .encode();
        var expected = new ByteArrayOutputStream();
        expected.write(5);
        expected.writeBytes("READY".getBytes(StandardCharsets.US_ASCII));
        expected.write(11);
        expected.writeBytes("Socket-Type".getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(new byte[] {0, 0, 0, 6});
        expected.writeBytes("DEALER".getBytes(StandardCharsets.US_ASCII));
        expected.write(8);
        expected.writeBytes("Identity".getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(new byte[] {0, 0, 0, 2});
        expected.writeBytes("id".getBytes(StandardCharsets.US_ASCII));
        assertThat(body).isEqualTo(expected.toByteArray());

        Command c = Command.decode(body);
        assertThat(c.name()).isEqualTo("READY");
        assertThat(c.property("socket-type")).isEqualTo("DEALER");
        assertThat(c.property("IDENTITY")).isEqualTo("id");
        assertThat(c.property("Resource")).isNull();
        assertThat(Command.ready("SUB", null).properties()).containsOnlyKeys("Socket-Type");
    }

    @Test
    void anErrorCommandKeepsItsReasonAndTruncatedCommandsAreRefused() throws IOException {
        var props = new LinkedHashMap<String, byte[]>();
        byte[] body = new Command("ERROR", props).encode();
        byte[] withReason = Arrays.copyOf(body, body.length + 1 + 6);
        withReason[body.length] = 6;
        System.arraycopy("denied".getBytes(StandardCharsets.US_ASCII), 0, withReason, body.length + 1, 6);
        assertThat(Command.decode(withReason).property("Reason")).isEqualTo("denied");

        byte[] ready = Command.ready("PUB", null).encode();
        assertThatThrownBy(() -> Command.decode(Arrays.copyOf(ready, ready.length - 2)))
                .isInstanceOf(IOException.class);
        byte[] badLength = ready.clone();
        badLength[6 + 1 + 11] = 0x7F; // the Socket-Type value's length, far past the end
        assertThatThrownBy(() -> Command.decode(badLength)).hasMessageContaining("property length");
    }

    private static byte[] write(boolean more, boolean command, byte[] body) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        Frame.write(out, more, command, body);
        out.flush();
        return bytes.toByteArray();
    }

    private static Frame read(byte[] wire) throws IOException {
        return Frame.read(new DataInputStream(new ByteArrayInputStream(wire)), ZmtpSocket.MAX_FRAME);
    }
}
