package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.guest.GuestAgentException;
import dev.wrenn.hostagent.guest.GuestSetup;
import dev.wrenn.hostagent.vm.Vm;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a starting sandbox is known to be ready: a strategy with a timeout, chosen by how the VM
 * started. Waiting stops early when the VM dies or the sandbox leaves the state it started in (a
 * destroy while starting).
 */
sealed interface GuestReadiness {
    SecureRandom RANDOM = new SecureRandom();

    /** Waits until the guest agent answers; returns the client to use from then on. */
    GuestAgentClient await(Sandbox sb, Vm vm, GuestAgentClient client, SandboxState expected)
            throws SandboxException, InterruptedException, IOException;

    /** A booted guest: its agent answers {@code /health}. */
    static GuestReadiness booted(Duration timeout) {
        return new Booted(timeout);
    }

    /**
     * A restored guest, whose agent already runs: one {@code POST /init} (clock, entropy,
     * optionally a new token) doubles as the readiness probe, with no /health round trip.
     */
    static GuestReadiness restored(Duration timeout, String newToken) {
        return new Restored(timeout, newToken, GuestSetup.NONE);
    }

    /** As {@link #restored(Duration, String)}, a new sandbox's guest setup folded into the same call. */
    static GuestReadiness restored(Duration timeout, String newToken, GuestSetup setup) {
        return new Restored(timeout, newToken, setup);
    }

    static byte[] seed() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    record Booted(Duration timeout) implements GuestReadiness {
        @Override
        public GuestAgentClient await(Sandbox sb, Vm vm, GuestAgentClient client, SandboxState expected)
                throws SandboxException, InterruptedException {
            if (client.awaitReady(timeout, () -> vm.isAlive() && sb.state() == expected)) return client;
            String why = vm.isAlive()
                    ? "guest agent did not answer on " + client.base() + " within " + timeout.toMillis() + " ms"
                    : "VM exited during boot";
            throw new SandboxException(
                    SandboxException.Reason.BOOT_FAILED, "sandbox " + sb.id() + ": " + why + "\n" + vm.diagnostics(25));
        }
    }

    /**
     * Connection failures are retried until the timeout, the VM's death or a state change; an answer
     * with an error is not.
     */
    record Restored(Duration timeout, String newToken, GuestSetup setup) implements GuestReadiness {
        @Override
        public GuestAgentClient await(Sandbox sb, Vm vm, GuestAgentClient client, SandboxState expected)
                throws SandboxException, InterruptedException, IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            byte[] seed = seed();
            while (true) {
                try {
                    return whileAlive(vm, () -> client.restored(System.currentTimeMillis(), seed, newToken, setup));
                } catch (GuestAgentException e) {
                    throw e;
                } catch (IOException e) {
                    if (!vm.isAlive() || sb.state() != expected || System.nanoTime() > deadline) {
                        throw new SandboxException(
                                SandboxException.Reason.BOOT_FAILED,
                                "sandbox " + sb.id() + ": guest agent did not answer after restore (" + e + ")\n"
                                        + vm.diagnostics(25),
                                e);
                    }
                    Thread.sleep(20);
                }
            }
        }

        /**
         * Runs the call, given up once the VM has died: a guest that panics after taking the request
         * never answers and leaves no one to reset the connection, so the call would wait out its
         * whole timeout.
         */
        private static GuestAgentClient whileAlive(Vm vm, Call call) throws IOException, InterruptedException {
            var result = new CompletableFuture<GuestAgentClient>();
            Thread t = Thread.ofVirtual().name("restore-probe").start(() -> {
                try {
                    result.complete(call.run());
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            });
            try {
                while (true) {
                    try {
                        return result.get(50, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        if (!vm.isAlive()) throw new IOException("the VM exited while its guest agent was asked");
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof IOException io) throw io;
                        if (e.getCause() instanceof InterruptedException ie) throw ie;
                        throw new IllegalStateException(e.getCause());
                    }
                }
            } finally {
                t.interrupt();
            }
        }

        @FunctionalInterface
        private interface Call {
            GuestAgentClient run() throws IOException, InterruptedException;
        }
    }
}
