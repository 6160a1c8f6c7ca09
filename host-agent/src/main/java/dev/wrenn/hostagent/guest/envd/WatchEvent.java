package dev.wrenn.hostagent.guest.envd;

/**
 * A change under a watched directory: {@code type} one of {@code create}, {@code write},
 * {@code remove}, {@code rename}, {@code chmod}; {@code name} relative to the watched directory.
 */
public record WatchEvent(String type, String name) {
    /** The watch is in place: every change from here on is reported. */
    public static final WatchEvent STARTED = new WatchEvent("started", "");
}
