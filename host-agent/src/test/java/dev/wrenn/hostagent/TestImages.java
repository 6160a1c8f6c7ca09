package dev.wrenn.hostagent;

import dev.wrenn.hostagent.sandbox.ImageCatalog;
import java.nio.file.Path;

/** Where the ITs and benchmarks find the guest image. Missing image: a clear failure, never a skip. */
public final class TestImages {
    private TestImages() {}

    /** The default image's own directory: see {@link ImageCatalog#configuredDir()}. */
    public static Path dir() {
        return ImageCatalog.configuredDefaultImage();
    }
}
