package dev.wrenn.sdk.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive is read back with an independent tar reader (commons-compress, as the server reads contexts). */
class ContextArchiveTest {
    record Read(TarArchiveEntry entry, String content) {}

    static Map<String, Read> read(byte[] archive) throws Exception {
        var out = new LinkedHashMap<String, Read>();
        try (var tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(archive)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                out.put(e.getName(), new Read(e, new String(tar.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    @Test
    void filesDirectoriesSymlinksAndModesInNameOrderWithLongNames(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("app/bin"));
        Files.writeString(dir.resolve("Dockerfile"), "FROM minimal\n");
        Path run = dir.resolve("app/bin/run.sh");
        Files.writeString(run, "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(dir.resolve("app/link"), Path.of("bin/run.sh"));
        String deep = "d".repeat(120) + "/" + "f".repeat(90) + ".txt"; // ustar's prefix + name
        Files.createDirectories(dir.resolve(deep).getParent());
        Files.writeString(dir.resolve(deep), "deep");
        String huge = "h".repeat(200) + ".txt"; // fits no ustar field: a pax header
        Files.writeString(dir.resolve(huge), "x".repeat(513)); // past one block

        byte[] archive = ContextArchive.of(dir);
        var entries = read(archive);
        assertThat(entries.keySet())
                .containsExactly(
                        "Dockerfile",
                        "app/",
                        "app/bin/",
                        "app/bin/run.sh",
                        "app/link",
                        "d".repeat(120) + "/",
                        deep,
                        huge);
        assertThat(entries.get("app/bin/run.sh").content()).isEqualTo("#!/bin/sh\necho hi\n");
        assertThat(entries.get("app/bin/run.sh").entry().getMode()).isEqualTo(0750);
        assertThat(entries.get("app/").entry().isDirectory()).isTrue();
        assertThat(entries.get("app/link").entry().isSymbolicLink()).isTrue();
        assertThat(entries.get("app/link").entry().getLinkName()).isEqualTo("bin/run.sh");
        assertThat(entries.get(deep).content()).isEqualTo("deep");
        assertThat(entries.get(huge).content()).hasSize(513);
        assertThat(entries.get("Dockerfile").entry().getModTime().getTime()).isZero();
        assertThat(ContextArchive.of(dir))
                .as("the same directory gives the same bytes")
                .isEqualTo(archive);
    }

    @Test
    void paxRecordsCountTheirOwnLength() {
        assertThat(ContextArchive.record("path", "a")).isEqualTo("9 path=a\n");
        String r = ContextArchive.record("path", "x".repeat(91)); // 99 + 2 digits rolls over to 3 digits
        assertThat(r.getBytes(StandardCharsets.UTF_8).length)
                .isEqualTo(Integer.parseInt(r.substring(0, r.indexOf(' '))));
    }
}
