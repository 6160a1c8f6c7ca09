package dev.wrenn.hostagent.guest.envd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.hostagent.guest.ProcessEvent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** ProcessEvent messages in proto3's JSON mapping (lowerCamelCase, bytes as base64, oneof as the field). */
class EnvdProcessesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ProcessEvent parse(String event) {
        JsonNode n = JSON.readTree(event);
        return EnvdProcesses.parse(n);
    }

    @Test
    void everyKindOfEventMapsToOneDomainEvent() {
        assertThat(parse("{\"start\":{\"pid\":42}}")).isEqualTo(new ProcessEvent.Started(42));
        assertThat(((ProcessEvent.Stdout) parse("{\"data\":{\"stdout\":\"aGk=\"}}")).data())
                .containsExactly('h', 'i');
        assertThat(((ProcessEvent.Stderr) parse("{\"data\":{\"stderr\":\"/w==\"}}")).data())
                .containsExactly((byte) 0xff);
        assertThat(((ProcessEvent.Terminal) parse("{\"data\":{\"pty\":\"G1s=\"}}")).data())
                .containsExactly(0x1b, '[');
        assertThat(parse("{\"end\":{\"exitCode\":3,\"exited\":true,\"status\":\"exit status 3\"}}"))
                .isEqualTo(new ProcessEvent.Exited(3));
        assertThat(parse("{\"keepalive\":{}}")).isNull();
        // Death by signal: envd words it as Go does; the platform reports 128+N like a shell.
        assertThat(parse("{\"end\":{\"exitCode\":-1,\"exited\":false,\"status\":\"signal: terminated\"}}"))
                .isEqualTo(new ProcessEvent.Exited(143));
        assertThat(parse("{\"end\":{\"exitCode\":-1,\"exited\":false,\"status\":\"signal: killed\"}}"))
                .isEqualTo(new ProcessEvent.Exited(137));
    }

    @Test
    void anEndThatIsNotAnExitIsAFailureAndAnUnknownEventIsNeverDropped() {
        assertThat(parse("{\"end\":{\"exited\":false,\"error\":\"cannot start\"}}"))
                .isEqualTo(new ProcessEvent.Failed("cannot start"));
        assertThat(parse("{\"mystery\":{}}")).isInstanceOf(ProcessEvent.Failed.class);
    }
}
