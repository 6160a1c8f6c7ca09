package dev.wrenn.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.ReadFileRequest;
import dev.wrenn.proto.hostagent.v1.ReadFileResponse;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import dev.wrenn.proto.hostagent.v1.WriteFileHeader;
import dev.wrenn.proto.hostagent.v1.WriteFileRequest;
import dev.wrenn.proto.hostagent.v1.WriteFileResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SandboxFilesIT {
    static AgentFixture fx;
    static Sandbox sb;

    @BeforeAll
    static void boot() throws Exception {
        fx = AgentFixture.start();
        sb = fx.create("files-it");
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (fx != null) fx.close();
    }

    /** Streams {@code size} pseudo-random bytes in 1 MiB chunks; returns their SHA-256. */
    static String write(String path, long size, long seed) throws Exception {
        return write(path, size, seed, true);
    }

    static String write(String path, long size, long seed, boolean declareSize) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        CompletableFuture<WriteFileResponse> result = new CompletableFuture<>();
        StreamObserver<WriteFileRequest> up =
                fx.async.withDeadlineAfter(300, TimeUnit.SECONDS).writeFile(observer(result));
        var header = WriteFileHeader.newBuilder()
                .setSandboxId(sb.getSandboxId())
                .setPath(path)
                .setMode(0640);
        if (declareSize) header.setSize(size);
        up.onNext(WriteFileRequest.newBuilder().setHeader(header).build());
        Random rnd = new Random(seed);
        byte[] chunk = new byte[1 << 20];
        for (long sent = 0; sent < size; sent += chunk.length) {
            int n = (int) Math.min(chunk.length, size - sent);
            rnd.nextBytes(chunk);
            sha.update(chunk, 0, n);
            up.onNext(WriteFileRequest.newBuilder()
                    .setData(ByteString.copyFrom(chunk, 0, n))
                    .build());
        }
        up.onCompleted();
        assertThat(result.get(300, TimeUnit.SECONDS).getBytesWritten()).isEqualTo(size);
        return HexFormat.of().formatHex(sha.digest());
    }

    static <T> StreamObserver<T> observer(CompletableFuture<T> f) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T v) {
                f.complete(v);
            }

            @Override
            public void onError(Throwable t) {
                f.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        };
    }

    @Test
    void fiftyMegabytesRoundTripWithEqualChecksums() throws Exception {
        long size = 50L << 20;
        String sent = write("/root/data/blob.bin", size, 42);

        String inGuest = fx.blocking
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(sb.getSandboxId())
                        .setCmd("sha256sum")
                        .addArgs("/root/data/blob.bin")
                        .setTimeoutMs(120_000)
                        .build())
                .getStdout()
                .toStringUtf8();
        assertThat(inGuest).startsWith(sent);

        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long got = 0;
        long declared = -2;
        Iterator<ReadFileResponse> it = fx.blocking
                .withDeadlineAfter(300, TimeUnit.SECONDS)
                .readFile(ReadFileRequest.newBuilder()
                        .setSandboxId(sb.getSandboxId())
                        .setPath("/root/data/blob.bin")
                        .build());
        while (it.hasNext()) {
            ReadFileResponse r = it.next();
            if (declared == -2) declared = r.getSize();
            r.getData().asReadOnlyByteBufferList().forEach(sha::update);
            got += r.getData().size();
        }
        assertThat(got).isEqualTo(size);
        assertThat(declared).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(sent);
    }

    @Test
    void undeclaredSizeStreamsChunked() throws Exception {
        String sent = write("/tmp/chunked.bin", (3L << 20) + 17, 5, false);
        String inGuest = fx.blocking
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(sb.getSandboxId())
                        .setCmd("sha256sum")
                        .addArgs("/tmp/chunked.bin")
                        .build())
                .getStdout()
                .toStringUtf8();
        assertThat(inGuest).startsWith(sent);
    }

    @Test
    void wrongDeclaredSizeIsRefusedAndLeavesNoFile() throws Exception {
        CompletableFuture<WriteFileResponse> f = new CompletableFuture<>();
        StreamObserver<WriteFileRequest> up = fx.async.writeFile(observer(f));
        up.onNext(WriteFileRequest.newBuilder()
                .setHeader(WriteFileHeader.newBuilder()
                        .setSandboxId(sb.getSandboxId())
                        .setPath("/tmp/short.bin")
                        .setSize(10))
                .build());
        up.onNext(WriteFileRequest.newBuilder()
                .setData(ByteString.copyFromUtf8("12345"))
                .build());
        up.onCompleted();
        assertThatThrownBy(() -> f.get(60, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> {
                    Status s = ((StatusRuntimeException) e.getCause()).getStatus();
                    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(s.getDescription()).contains("declared size 10");
                });
        // The short file never appears, not even a little later.
        org.awaitility.Awaitility.await()
                .during(java.time.Duration.ofMillis(500))
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> codeOf(() -> fx.blocking
                                .readFile(ReadFileRequest.newBuilder()
                                        .setSandboxId(sb.getSandboxId())
                                        .setPath("/tmp/short.bin")
                                        .build())
                                .hasNext())
                        == Status.Code.NOT_FOUND);
    }

    @Test
    void emptyFileRoundTrips() throws Exception {
        write("/tmp/empty", 0, 1);
        Iterator<ReadFileResponse> it = fx.blocking.readFile(ReadFileRequest.newBuilder()
                .setSandboxId(sb.getSandboxId())
                .setPath("/tmp/empty")
                .build());
        ReadFileResponse first = it.next();
        assertThat(first.getSize()).isZero();
        assertThat(first.getData().isEmpty()).isTrue();
        assertThat(it.hasNext()).isFalse();
    }

    static Status.Code codeOf(Runnable r) {
        try {
            r.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
        return Status.Code.OK;
    }

    @Test
    void missingAndBadPathsGiveClearErrors() {
        assertThatThrownBy(() -> fx.blocking
                        .readFile(ReadFileRequest.newBuilder()
                                .setSandboxId(sb.getSandboxId())
                                .setPath("/no/such/file")
                                .build())
                        .hasNext())
                .isInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> {
                    Status s = ((StatusRuntimeException) e).getStatus();
                    assertThat(s.getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(s.getDescription()).contains("not_found");
                });
        assertThat(codeOf(() -> fx.blocking
                        .readFile(ReadFileRequest.newBuilder()
                                .setSandboxId(sb.getSandboxId())
                                .setPath("relative/path")
                                .build())
                        .hasNext()))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(codeOf(() -> fx.blocking
                        .readFile(ReadFileRequest.newBuilder()
                                .setSandboxId("no-such-sandbox")
                                .setPath("/etc/hostname")
                                .build())
                        .hasNext()))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(() -> fx.blocking
                        .readFile(ReadFileRequest.newBuilder()
                                .setSandboxId(sb.getSandboxId())
                                .setPath("/tmp")
                                .build())
                        .hasNext()))
                .isIn(Status.Code.FAILED_PRECONDITION, Status.Code.INVALID_ARGUMENT);

        CompletableFuture<WriteFileResponse> f = new CompletableFuture<>();
        StreamObserver<WriteFileRequest> up = fx.async.writeFile(observer(f));
        up.onNext(WriteFileRequest.newBuilder()
                .setHeader(WriteFileHeader.newBuilder()
                        .setSandboxId(sb.getSandboxId())
                        .setPath("/etc/hostname/child"))
                .build());
        up.onNext(WriteFileRequest.newBuilder()
                .setData(ByteString.copyFromUtf8("x"))
                .build());
        up.onCompleted();
        assertThatThrownBy(() -> f.get(60, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> assertThat(((StatusRuntimeException) e.getCause())
                                .getStatus()
                                .getCode())
                        .isIn(Status.Code.FAILED_PRECONDITION, Status.Code.INVALID_ARGUMENT));
    }
}
