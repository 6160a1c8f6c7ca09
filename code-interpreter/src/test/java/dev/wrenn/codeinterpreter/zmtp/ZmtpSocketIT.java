package dev.wrenn.codeinterpreter.zmtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Our ZMTP client against real libzmq (pyzmq, which python3-ipykernel depends on): handshake, multipart
 * messages in both frame sizes, routing ids, subscriptions, and refusing a peer of the wrong type.
 */
class ZmtpSocketIT {
    private static final String PYTHON = System.getProperty("wrenn.ci.python", "/usr/bin/python3");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A ROUTER that sends each message back with the sender's routing id as its first part. */
    private static final String ROUTER = """
            import sys, zmq
            s = zmq.Context().socket(zmq.ROUTER)
            port = s.bind_to_random_port('tcp://127.0.0.1')
            print(port, flush=True)
            while True:
                parts = s.recv_multipart()
                s.send_multipart([parts[0], parts[0]] + parts[1:])
            """;

    /** A PUB that publishes one message a tenth of a second on two topics until killed. */
    private static final String PUB = """
            import time, zmq
            s = zmq.Context().socket(zmq.PUB)
            print(s.bind_to_random_port('tcp://127.0.0.1'), flush=True)
            while True:
                s.send_multipart([b'topic.a', b'x' * 1000])
                time.sleep(0.1)
            """;

    private Process peer;

    @AfterEach
    void stop() throws InterruptedException {
        if (peer != null) {
            peer.destroyForcibly();
            peer.waitFor();
        }
    }

    private InetSocketAddress start(String script) throws Exception {
        peer = new ProcessBuilder(PYTHON, "-c", script)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String port =
                new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertThat(port).as("the peer's port").isNotNull();
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(port.strip()));
    }

    @Test
    void aDealerRoundTripsSmallEmptyAndLargeFramesThroughARouter() throws Exception {
        InetSocketAddress address = start(ROUTER);
        byte[] id = "wrenn-test-id".getBytes(StandardCharsets.US_ASCII);
        try (var dealer = ZmtpSocket.connect(address, ZmtpSocket.Type.DEALER, id, TIMEOUT)) {
            assertThat(dealer.peerType()).isEqualTo("ROUTER");
            byte[] large = new byte[5 << 20];
            Arrays.fill(large, (byte) 'z');
            dealer.send(List.of("small".getBytes(StandardCharsets.US_ASCII), new byte[0], large));
            List<byte[]> back = dealer.receive();
            assertThat(back).hasSize(4);
            assertThat(back.get(0)).as("the routing id the ROUTER saw is ours").isEqualTo(id);
            assertThat(new String(back.get(1), StandardCharsets.US_ASCII)).isEqualTo("small");
            assertThat(back.get(2)).isEmpty();
            assertThat(back.get(3)).isEqualTo(large);

            dealer.send(List.of("again".getBytes(StandardCharsets.US_ASCII)));
            assertThat(new String(dealer.receive().get(1), StandardCharsets.US_ASCII))
                    .isEqualTo("again");
        }
    }

    @Test
    void aSubReceivesWhatThePublisherSendsOnceSubscribed() throws Exception {
        InetSocketAddress address = start(PUB);
        try (var sub = ZmtpSocket.connect(address, ZmtpSocket.Type.SUB, null, TIMEOUT)) {
            assertThat(sub.peerType()).isEqualTo("PUB");
            List<byte[]> message = sub.receive();
            assertThat(new String(message.get(0), StandardCharsets.US_ASCII)).isEqualTo("topic.a");
            assertThat(message.get(1)).hasSize(1000);
        }
    }

    @Test
    void aPeerOfAnotherTypeIsRefusedAtTheHandshake() throws Exception {
        InetSocketAddress address = start(ROUTER);
        // libzmq either hangs up on our READY or answers with its own, which we refuse: an error either way.
        assertThatThrownBy(() -> ZmtpSocket.connect(address, ZmtpSocket.Type.SUB, null, TIMEOUT))
                .isInstanceOf(java.io.IOException.class)
                .message()
                .containsAnyOf("cannot talk to a ROUTER", "closed the connection during the handshake");
    }
}
