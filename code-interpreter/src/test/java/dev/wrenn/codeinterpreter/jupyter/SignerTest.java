package dev.wrenn.codeinterpreter.jupyter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignerTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void signsTheConcatenationOfThePartsAsLowercaseHexHmacSha256() {
        // RFC 4231 test case 2, with its message split across parts as a Jupyter message's four dicts are.
        var signer = new Signer("Jefe");
        String expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assertThat(signer.sign(List.of(b("what do ya want for nothing?")))).isEqualTo(expected);
        assertThat(signer.sign(List.of(b("what do "), b("ya want "), b(""), b("for nothing?"))))
                .isEqualTo(expected);
    }

    @Test
    void verifiesOnlyTheExactSignature() {
        var signer = new Signer("key");
        List<byte[]> parts = List.of(b("{}"), b("{}"), b("{}"), b("{\"a\":1}"));
        byte[] good = b(signer.sign(parts));
        assertThat(signer.verify(good, parts)).isTrue();
        assertThat(signer.verify(b(signer.sign(parts).toUpperCase()), parts)).isFalse();
        assertThat(signer.verify(b(""), parts)).isFalse();
        assertThat(new Signer("other").verify(good, parts)).isFalse();
        assertThat(signer.verify(good, List.of(b("{}"), b("{}"), b("{}"), b("{\"a\":2}"))))
                .isFalse();
    }

    @Test
    void anEmptyKeyIsRefusedBecauseJupyterWouldTakeItAsNoSigning() {
        assertThatThrownBy(() -> new Signer("")).isInstanceOf(IllegalArgumentException.class);
    }
}
