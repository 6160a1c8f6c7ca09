package dev.wrenn.hostagent.guest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GuestAgentExceptionTest {
    @Test
    void aSymlinkLoopIsTheCallersErrorNotTheGuestAgents() {
        var e = new GuestAgentException(
                500,
                "internal",
                "error getting file info: /tmp/hf/loop1/x: Too many levels of symbolic links or unable to access"
                        + " attributes of symbolic link");
        assertThat(e.code()).isEqualTo("invalid_argument");
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).startsWith("invalid_argument: error getting file info");
    }

    @Test
    void movesAcrossFileSystemsAndUnderFilesAreTheCallersErrorToo() {
        for (String m : java.util.List.of(
                "error renaming: /proc/self/fd/0 -> /tmp/x: Invalid cross-device link",
                "error creating directory: /tmp/hf/loop1: path is a file",
                "error renaming: /tmp/a/x -> /tmp/b: Not a directory")) {
            assertThat(new GuestAgentException(500, "internal", m).code()).as(m).isEqualTo("invalid_argument");
        }
    }

    @Test
    void otherInternalErrorsStayInternal() {
        var e = new GuestAgentException(500, "internal", "disk on fire");
        assertThat(e.code()).isEqualTo("internal");
        assertThat(e.httpStatus()).isEqualTo(500);
    }
}
