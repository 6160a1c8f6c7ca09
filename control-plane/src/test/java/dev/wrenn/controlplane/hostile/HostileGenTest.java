package dev.wrenn.controlplane.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The generators are reproducible from their seed, and what they promise to be invalid is invalid. */
class HostileGenTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theSameSeedGivesTheSameInputs() {
        var a = new HostileGen(new SplittableRandom(42));
        var b = new HostileGen(new SplittableRandom(42));
        for (int i = 0; i < 50; i++) assertThat(a.value()).isEqualTo(b.value());
        assertThat(Seed.forRoute("GET /x").nextLong())
                .isEqualTo(Seed.forRoute("GET /x").nextLong());
        assertThat(Seed.forRoute("GET /x").nextLong())
                .isNotEqualTo(Seed.forRoute("GET /y").nextLong());
    }

    @Test
    void aWrongTypeIsNeverTheDeclaredOne() throws Exception {
        var gen = new HostileGen(new SplittableRandom(7));
        var schema = JSON.readTree("{\"type\":\"string\"}");
        for (int i = 0; i < 200; i++)
            assertThat(JSON.readTree(gen.wrongType(schema)).isString()).isFalse();
        var integer = JSON.readTree("{\"type\":\"integer\"}");
        for (int i = 0; i < 200; i++) {
            assertThat(JSON.readTree(gen.wrongType(integer)).isIntegralNumber()).isFalse();
        }
    }

    @Test
    void mustBeInvalidObjectsCarryAWrongTypedField() throws Exception {
        var gen = new HostileGen(new SplittableRandom(9));
        var schema = JSON.readTree("{\"type\":\"object\",\"properties\":{\"cmd\":{\"type\":\"string\"}}}");
        for (int i = 0; i < 200; i++) {
            String body = gen.object(schema, true);
            assertThat(body).contains("\"cmd\":");
        }
    }

    @Test
    void quotingKeepsNulAndControlCharactersAsEscapes() {
        assertThat(HostileGen.quote("a\u0000b\"")).isEqualTo("\"a\\u0000b\\\"\"");
        assertThat(HostileGen.encode("../a b")).isEqualTo("..%2Fa%20b");
    }

    @Test
    void rawAnswersAreParsedWithChunkedBodies() {
        byte[] raw = ("HTTP/1.1 400 Bad\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        var a = RawHttp.parse(raw, 1, false);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.header("Content-Type")).isEqualTo("application/json");
        assertThat(a.text()).isEqualTo("abc");
        assertThat(RawHttp.parse("garbage".getBytes(StandardCharsets.ISO_8859_1), 1, false)
                        .status())
                .isEqualTo(-1);
    }
}
