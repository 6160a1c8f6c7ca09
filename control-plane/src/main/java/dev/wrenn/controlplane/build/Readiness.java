package dev.wrenn.controlplane.build;

import java.time.Duration;
import java.util.List;

/**
 * What must hold before a template is snapshotted, so that its sandboxes start with the server already
 * serving: a command that exits 0 ({@code HEALTHCHECK CMD}), or ports that are listening ({@code EXPOSE}).
 * Either is tried every {@code interval} until it passes or {@code deadline} has passed since the start
 * command started.
 */
public sealed interface Readiness {
    Duration interval();

    Duration deadline();

    record Command(List<String> argv, Duration interval, Duration attemptTimeout, Duration deadline)
            implements Readiness {
        public Command {
            argv = List.copyOf(argv);
        }
    }

    record Ports(List<Integer> ports, Duration interval, Duration deadline) implements Readiness {
        public Ports {
            ports = List.copyOf(ports);
        }

        /**
         * A shell test of every port listening on any address, from /proc/net (so it needs no tool in the
         * guest): the local address column ends in the port in hex, the state column 0A is LISTEN.
         */
        public List<String> argv() {
            var sb = new StringBuilder();
            for (int p : ports) {
                if (!sb.isEmpty()) sb.append(" && ");
                sb.append(String.format(
                        "grep -qE '^ *[0-9]+: [0-9A-F]+:%04X [0-9A-F]+:0000 0A' /proc/net/tcp /proc/net/tcp6", p));
            }
            return List.of("/bin/sh", "-c", sb.toString());
        }
    }
}
