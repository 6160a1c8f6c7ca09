package dev.wrenn.sdk.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MultipartTest {
    /** The bytes a publisher sends, as the HTTP client would take them. */
    static byte[] drain(BodyPublisher p) throws Exception {
        var out = new ByteArrayOutputStream();
        var done = new CompletableFuture<Void>();
        p.subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer b) {
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.writeBytes(chunk);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.get(10, TimeUnit.SECONDS);
        return out.toByteArray();
    }

    @Test
    void fieldsThenTheFileInOrderWithCrLfAndTheClosingBoundary() throws Exception {
        var m = new Multipart()
                .field("path", "/root/a \"b\".txt")
                .file("file", "a.txt", "application/octet-stream", BodyPublishers.ofByteArray(new byte[] {0, 1, 2}));
        String b = m.boundary();
        assertThat(m.contentType()).isEqualTo("multipart/form-data; boundary=" + b);
        byte[] body = drain(m.body());
        String expected = "--" + b + "\r\n"
                + "Content-Disposition: form-data; name=\"path\"\r\n\r\n"
                + "/root/a \"b\".txt\r\n"
                + "--" + b + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + "\u0000\u0001\u0002\r\n"
                + "--" + b + "--\r\n";
        assertThat(new String(body, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        assertThat(m.body().contentLength()).isEqualTo(body.length);
    }

    @Test
    void aStreamedPartHasNoKnownLengthAndQuotesAreEscaped() throws Exception {
        var m = new Multipart()
                .file("file", "x\"y", null, BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[5])));
        assertThat(m.body().contentLength()).isNegative();
        assertThat(new String(drain(m.body()), StandardCharsets.UTF_8)).contains("filename=\"x%22y\"");
        assertThat(new Multipart().boundary()).isNotEqualTo(m.boundary());
    }
}
