package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The agent never listens beyond loopback without a token: there is no default secret. */
class HostAgentTokenTest {
    @Test
    void listeningOnEveryAddressWithoutATokenIsRefused() {
        var open = HostAgentConfig.defaults().withBindAddress("0.0.0.0");
        assertThat(open.token()).isEmpty();
        assertThatThrownBy(() -> HostAgent.start(open))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WRENN_HOST_AGENT_TOKEN");
    }

    @Test
    void loopbackIsLoopback() {
        assertThat(HostAgentConfig.defaults().loopbackOnly()).isTrue();
        assertThat(HostAgentConfig.defaults().withBindAddress("0.0.0.0").loopbackOnly())
                .isFalse();
        assertThat(HostAgentConfig.defaults()
                        .withBindAddress("0.0.0.0")
                        .withToken("s")
                        .token())
                .contains("s");
    }
}
