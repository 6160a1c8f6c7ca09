package dev.wrenn.hostagent.vm;

import dev.wrenn.hostagent.vm.Snapshottable.RamMode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * QEMU's migration stream, driven over QMP: the capabilities of a save or restore, the stream out
 * to a state file, and the recognition of a full disk in QEMU's and the writer's errors.
 */
final class QemuMigration {
    private QemuMigration() {}

    /** QEMU caps migration at 128 MiB/s by default; the "network" here is a local socket or pipe. */
    private static final long MAX_BANDWIDTH = 64L << 30;

    static final Duration MIGRATION_TIMEOUT = Duration.ofSeconds(120);

    /** QEMU's own file errors do not always name the errno: is the file system (nearly) full? */
    static boolean hasNoSpace(Path stateFile) {
        try {
            return Files.getFileStore(stateFile.getParent()).getUsableSpace() < (1L << 20);
        } catch (IOException e) {
            return false;
        }
    }

    static void configureMigration(QmpClient qmp, RamMode mode) throws IOException {
        var caps = QmpClient.args();
        var list = caps.putArray("capabilities");
        var c = list.addObject();
        c.put("capability", "x-ignore-shared");
        c.put("state", mode == RamMode.SHARED_FILE);
        qmp.execute("migrate-set-capabilities", caps);
        var params = QmpClient.args();
        params.put("max-bandwidth", MAX_BANDWIDTH);
        qmp.execute("migrate-set-parameters", params);
    }

    /**
     * Migrates to a unix socket this JVM listens on and writes what arrives to {@code stateFile}: the
     * agent sees every write error itself (ENOSPC) and knows exactly when the last byte is on disk
     * (QEMU's exec: channel SIGTERMs a writer that has not exited yet when the migration ends).
     */
    static void streamOut(QemuVm q, QmpClient qmp, Path stateFile) throws IOException, InterruptedException {
        Path sock = q.spec.dir().resolve("mig.sock");
        Files.deleteIfExists(sock);
        CompletableFuture<Long> written = new CompletableFuture<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            // A confined QEMU connects as its own uid: the socket is its.
            QemuConfinement.giveToVmm(q.spec, sock);
            Thread.ofVirtual().name("migrate-out-" + q.spec.name()).start(() -> {
                try (SocketChannel in = server.accept();
                        FileChannel out = FileChannel.open(
                                stateFile,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE,
                                StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
                    long total = 0;
                    while (in.read(buf) >= 0) {
                        buf.flip();
                        while (buf.hasRemaining()) total += out.write(buf);
                        buf.clear();
                    }
                    out.force(true);
                    written.complete(total);
                } catch (Throwable t) {
                    written.completeExceptionally(t);
                }
            });
            var args = QmpClient.args();
            args.put("uri", "unix:" + sock);
            qmp.execute("migrate", args);
            long deadline = System.nanoTime() + MIGRATION_TIMEOUT.toNanos();
            while (true) {
                JsonNode st = qmp.execute("query-migrate");
                String status = st.path("status").asString("");
                if (status.equals("completed")) break;
                if (status.equals("failed") || status.equals("cancelled")) {
                    IOException writerError = writerError(written);
                    IOException e = new IOException(
                            "migration " + status + ": " + st.path("error-desc").asString("")
                                    + (writerError == null ? "" : " (" + writerError.getMessage() + ")"),
                            writerError);
                    throw e;
                }
                if (written.isCompletedExceptionally()) {
                    IOException writerError = writerError(written);
                    throw new IOException("writing " + stateFile + ": " + writerError.getMessage(), writerError);
                }
                if (System.nanoTime() > deadline)
                    throw new IOException("migration did not complete within " + MIGRATION_TIMEOUT);
                // Polling, not QMP's MIGRATION events: the writer's failure must be noticed too, and a 2 ms step
                // adds at most 2 ms to a pause that takes hundreds.
                Thread.sleep(2);
            }
            try {
                written.get(MIGRATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("state writer did not finish", e);
            }
        } finally {
            Files.deleteIfExists(sock);
        }
    }

    /**
     * Has QEMU listen for the incoming state on a unix socket in the VM's directory and streams {@code
     * stateFile} into it from this JVM. Not QEMU's {@code exec:} channel: that forks a {@code cat}, which
     * the confined VMM's seccomp filter (spawn=deny) refuses, and it could not read the agent's files anyway.
     */
    static CompletableFuture<Long> streamIn(VmSpec spec, QmpClient qmp, Path stateFile) throws IOException {
        Path sock = spec.dir().resolve("mig-in.sock");
        Files.deleteIfExists(sock);
        var args = QmpClient.args();
        args.put("uri", "unix:" + sock);
        // QEMU listens before the command returns: the socket exists from here on.
        qmp.execute("migrate-incoming", args);
        CompletableFuture<Long> sent = new CompletableFuture<>();
        Thread.ofVirtual().name("migrate-in-" + spec.name()).start(() -> {
            try (SocketChannel out = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                    FileChannel in = FileChannel.open(stateFile, StandardOpenOption.READ)) {
                long size = in.size();
                long pos = 0;
                while (pos < size) pos += in.transferTo(pos, size - pos, out);
                sent.complete(pos);
            } catch (Throwable t) {
                sent.completeExceptionally(t);
            } finally {
                try {
                    Files.deleteIfExists(sock);
                } catch (IOException ignored) {
                    // the directory goes with the sandbox
                }
            }
        });
        return sent;
    }

    /** Why the state could not be fed to QEMU, for the message of a failed load; empty if it was not that. */
    static String feederError(CompletableFuture<Long> sent) throws InterruptedException {
        IOException e = writerError(sent);
        return e == null ? "" : " (sending the state: " + e.getMessage() + ")";
    }

    private static IOException writerError(CompletableFuture<Long> written) throws InterruptedException {
        try {
            written.get(200, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            return null;
        }
    }

    static boolean isDiskFull(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains("No space left on device")) return true;
            for (Throwable s : c.getSuppressed()) if (isDiskFull(s)) return true;
        }
        return false;
    }
}
