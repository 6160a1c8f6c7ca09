package dev.wrenn.sdk.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.sdk.http.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FileJsonTest {
    @Test
    void anEntryIsReadWithItsTypeModeAndTime() {
        var e = Json.read("""
                {"name":"b.txt","type":"symlink","path":"/w/b.txt","size":1,"mode":41471,"permissions":"lrwxrwxrwx",
                 "owner":"root","group":"root","modified":"2026-03-04T05:06:07.5Z","symlink_target":"/w/a.txt"}
                """.getBytes(StandardCharsets.UTF_8), FileEntry.class);
        assertThat(e.type()).isEqualTo(FileType.SYMLINK);
        assertThat(e.isFile()).isFalse();
        assertThat(e.modified()).isEqualTo(Instant.parse("2026-03-04T05:06:07.5Z"));
        assertThat(e.symlink()).contains("/w/a.txt");
        assertThat(Json.read("{\"name\":\"d\",\"type\":\"fifo?\"}".getBytes(StandardCharsets.UTF_8), FileEntry.class)
                        .type())
                .isEqualTo(FileType.UNKNOWN);
    }

    @Test
    void watchTypesAreReadWhateverTheirCase() {
        assertThat(WatchEvent.Type.of("create")).isEqualTo(WatchEvent.Type.CREATE);
        assertThat(WatchEvent.Type.of("CHMOD")).isEqualTo(WatchEvent.Type.CHMOD);
        assertThat(WatchEvent.Type.of("teleport")).isEqualTo(WatchEvent.Type.UNKNOWN);
    }
}
