package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.ExecResponse;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Connects from inside a guest and reports what happened, one line per target: {@code host:port open} or
 * {@code host:port closed <exception> <errno>} (a 2 s timeout each, so a silently dropped packet shows as
 * TimeoutError), and {@code dns:name} lines {@code dns:name a.b.c.d} or {@code dns:name failed <errno>}.
 */
final class GuestProbe {
    static final String SCRIPT = """
            import socket, sys
            for target in sys.argv[1:]:
                if target.startswith('dns:'):
                    try:
                        print(target, socket.gethostbyname(target[4:]))
                    except OSError as e:
                        print(target, 'failed', getattr(e, 'errno', ''))
                    continue
                host, port = target.rsplit(':', 1)
                s = socket.socket()
                s.settimeout(2)
                try:
                    s.connect((host, int(port)))
                    print(target, 'open')
                except Exception as e:
                    print(target, 'closed', type(e).__name__, getattr(e, 'errno', ''))
                finally:
                    s.close()
            """;

    private GuestProbe() {}

    static List<String> run(HostAgentServiceGrpc.HostAgentServiceBlockingStub agent, String id, List<String> targets) {
        ExecResponse r = agent.withDeadlineAfter(120, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(id)
                        .setCmd("python3")
                        .addArgs("-c")
                        .addArgs(SCRIPT)
                        .addAllArgs(targets)
                        .setTimeoutMs(90_000)
                        .build());
        assertThat(r.getExitCode()).as(r.getStderr().toStringUtf8()).isZero();
        List<String> lines = r.getStdout().toStringUtf8().lines().toList();
        assertThat(lines).hasSize(targets.size());
        return lines;
    }
}
