package dev.wrenn.guestagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.guestagent.http.Json;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * What envd 0.5.3 to 0.6.2 added to {@code POST /files}, which the SDK sends once the server reports those
 * versions: gzip-encoded bodies ({@code Content-Encoding: gzip}) and user-defined metadata ({@code X-Metadata-*}
 * headers, kept as {@code user.e2b.*} extended attributes and shown in every EntryInfo).
 */
class EnvdUploadEncodingTest extends EnvdTestCase {
    private HttpResponse<String> upload(Path target, byte[] body, Map<String, String> headers) throws Exception {
        var request = h.agent
                .request("/files?path=" + AgentHarness.q(target.toString()))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return h.agent.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] gzip(byte[] data) throws Exception {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void aGzipBodyIsStoredDecompressed() throws Exception {
        Path f = dir.resolve("gz.txt");
        byte[] content = "hello, compressed world\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        var r = upload(f, gzip(content), Map.of("Content-Encoding", "gzip"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Files.readAllBytes(f)).isEqualTo(content);
    }

    @Test
    void aBrokenGzipBodyOrAnUnknownEncodingIs400AndWritesNothing() throws Exception {
        Path f = dir.resolve("uploads/bad.txt");
        var broken = upload(f, "not gzip at all".getBytes(StandardCharsets.UTF_8), Map.of("Content-Encoding", "gzip"));
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.body()).contains("decompressing");
        var unknown = upload(f, "x".getBytes(StandardCharsets.UTF_8), Map.of("Content-Encoding", "br"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("unsupported Content-Encoding");
        assertThat(f).doesNotExist();
        if (Files.isDirectory(f.getParent())) {
            try (var listing = Files.list(f.getParent())) {
                assertThat(listing.toList()).as("no temporary file stays").isEmpty();
            }
        }
    }

    @Test
    void metadataHeadersAreKeptLowercasedShownInEntriesAndReplacedByTheNextUpload() throws Exception {
        Path f = dir.resolve("meta.txt");
        var r = upload(
                f,
                "v1".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Metadata-Author", "mish", "x-metadata-purpose", "upload test"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<?> written = (List<?>) Json.parse(r.body());
        assertThat((Map<?, ?>) ((Map<?, ?>) written.getFirst()).get("metadata"))
                .isEqualTo(Map.of("author", "mish", "purpose", "upload test"));

        assertThat(metadata(entry(f))).isEqualTo(Map.of("author", "mish", "purpose", "upload test"));
        var listed = (List<?>) h.rpc.ok("filesystem.Filesystem/ListDir", Map.of("path", dir.toString()))
                .get("entries");
        assertThat(metadata((Map<?, ?>) listed.getFirst())).containsEntry("purpose", "upload test");

        // The next upload's set replaces the old one whole; without headers the file has none.
        assertThat(upload(f, "v2".getBytes(StandardCharsets.UTF_8), Map.of("X-Metadata-Owner", "ana"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(metadata(entry(f))).isEqualTo(Map.of("owner", "ana"));
        assertThat(upload(f, "v3".getBytes(StandardCharsets.UTF_8), Map.of()).statusCode())
                .isEqualTo(200);
        assertThat(entry(f)).doesNotContainKey("metadata");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> entry(Path f) throws Exception {
        return (Map<String, Object>) h.rpc.ok("filesystem.Filesystem/Stat", Map.of("path", f.toString()))
                .get("entry");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(Map<?, ?> entry) {
        return (Map<String, Object>) entry.get("metadata");
    }

    @Test
    void metadataBeyondEnvdsLimitsIs400() throws Exception {
        Path f = dir.resolve("limits.txt");
        var tooLongKey = upload(f, new byte[1], Map.of("X-Metadata-" + "k".repeat(247), "v"));
        assertThat(tooLongKey.statusCode()).isEqualTo(400);
        var tooMuch =
                upload(f, new byte[1], Map.of("X-Metadata-a", "v".repeat(2100), "X-Metadata-b", "v".repeat(2100)));
        assertThat(tooMuch.statusCode()).isEqualTo(400);
        assertThat(f).doesNotExist();
    }
}
