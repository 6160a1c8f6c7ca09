package dev.wrenn.controlplane.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.host.HostAgentException.Kind;
import org.junit.jupiter.api.Test;

/** Host failures as the API errors clients see: status, code and message. */
class HostAgentExceptionTest {

    private static HostAgentException failure(Kind kind) {
        return new HostAgentException(kind, "the host's words", null);
    }

    @Test
    void eachKindHasItsStatusAndCode() {
        assertThat(failure(Kind.CAPACITY).toApi("creating").status()).isEqualTo(503);
        assertThat(failure(Kind.CAPACITY).toApi("creating").code()).isEqualTo("insufficient_capacity");
        assertThat(failure(Kind.INVALID).toApi("x").code()).isEqualTo("invalid_request");
        assertThat(failure(Kind.NOT_FOUND).toApi("x").status()).isEqualTo(404);
        assertThat(failure(Kind.CONFLICT).toApi("x").status()).isEqualTo(409);
        assertThat(failure(Kind.PERMISSION_DENIED).toApi("x").status()).isEqualTo(403);
        assertThat(failure(Kind.TIMEOUT).toApi("x").status()).isEqualTo(504);
        assertThat(failure(Kind.TIMEOUT).toApi("x").code()).isEqualTo("host_agent_timeout");
        assertThat(failure(Kind.FAILED).toApi("x").status()).isEqualTo(502);
        assertThat(failure(Kind.FAILED).toApi("x").code()).isEqualTo("host_agent_error");
    }

    @Test
    void messagesSayWhatWasBeingDone() {
        assertThat(failure(Kind.TIMEOUT).toApi("pausing the sandbox").getMessage())
                .isEqualTo("host agent timed out pausing the sandbox");
        assertThat(failure(Kind.FAILED).toApi("pausing the sandbox").getMessage())
                .isEqualTo("host agent failed pausing the sandbox: the host's words");
        assertThat(failure(Kind.CAPACITY).toApi("creating").getMessage()).contains("the host's words");
        assertThat(failure(Kind.NOT_FOUND).toApi("x").getMessage()).isEqualTo("the host's words");
    }
}
