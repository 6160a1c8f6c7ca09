package dev.wrenn.hostagent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image directory may be the images root or one image's own directory (what scripts/test.sh
 * exports as WRENN_IMAGE_DIR): both must find the default template, and anything else must say
 * where it looked.
 */
class ImageCatalogTest {
    @TempDir
    Path tmp;

    @Test
    void findsTheDefaultImageFromTheImagesRootAndFromItsOwnDirectory() throws Exception {
        Path minimal = image(tmp.resolve("images").resolve("minimal"));
        assertThat(new ImageCatalog(tmp.resolve("images")).get(null).dir()).isEqualTo(minimal);
        assertThat(new ImageCatalog(minimal).get("minimal").dir()).isEqualTo(minimal);
        assertThat(new ImageCatalog(minimal).get("").dir()).isEqualTo(minimal);
    }

    @Test
    void aSingleImageDirectoryAnswersToItsOwnNameToo() throws Exception {
        Path custom = image(tmp.resolve("custom"));
        assertThat(new ImageCatalog(custom).get("custom").dir()).isEqualTo(custom);
        assertThat(new ImageCatalog(custom).get(null).name()).isEqualTo("minimal");
    }

    @Test
    void aMissingImageNamesBothPlacesItLookedAndHowToBuildIt() {
        Path wrong = tmp.resolve("elsewhere");
        assertThatThrownBy(() -> new ImageCatalog(wrong).get("minimal"))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining(
                        wrong.resolve("minimal").resolve("vmlinux").toString())
                .hasMessageContaining(wrong.resolve("vmlinux").toString())
                .hasMessageContaining("./wrenn image build")
                .extracting(e -> ((SandboxException) e).reason())
                .isEqualTo(SandboxException.Reason.NOT_FOUND);
    }

    @Test
    void anIncompleteImageSaysWhichFilesAreMissing() throws Exception {
        Path partial = tmp.resolve("images").resolve("minimal");
        Files.createDirectories(partial);
        Files.writeString(partial.resolve("vmlinux"), "kernel");
        assertThatThrownBy(() -> new ImageCatalog(tmp.resolve("images")).get("minimal"))
                .hasMessageContaining("initramfs.cpio")
                .hasMessageContaining("rootfs.ext4");
    }

    @Test
    void configuredDirIsWrennImageDirWhenSet() {
        String before = System.getProperty("WRENN_IMAGE_DIR");
        try {
            System.setProperty("WRENN_IMAGE_DIR", tmp.toString());
            assertThat(ImageCatalog.configuredDir()).isEqualTo(tmp);
        } finally {
            if (before == null) System.clearProperty("WRENN_IMAGE_DIR");
            else System.setProperty("WRENN_IMAGE_DIR", before);
        }
    }

    /** The three files a guest image consists of; their contents do not matter to the catalog. */
    private static Path image(Path dir) throws Exception {
        Files.createDirectories(dir);
        for (String f : new String[] {"vmlinux", "initramfs.cpio", "rootfs.ext4"}) Files.writeString(dir.resolve(f), f);
        return dir;
    }
}
