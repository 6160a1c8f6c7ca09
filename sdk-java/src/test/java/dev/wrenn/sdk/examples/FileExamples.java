package dev.wrenn.sdk.examples;

import dev.wrenn.sdk.files.FileEntry;
import dev.wrenn.sdk.files.Watch;
import dev.wrenn.sdk.files.WatchEvent;
import dev.wrenn.sdk.sandbox.Sandbox;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

final class FileExamples {
    private FileExamples() {}

    static String readWrite(Sandbox sandbox) {
        // docs:begin files
        sandbox.files().write("/srv/app/config.json", "{\"debug\": true}"); // parents are created
        String config = sandbox.files().readText("/srv/app/config.json");
        byte[] bytes = sandbox.files().read("/srv/app/config.json");
        // docs:end files
        return config + bytes.length;
    }

    static long streams(Sandbox sandbox, Path local, Path copy) throws IOException {
        // docs:begin file-streams
        byte[] data = new byte[4 * 1024 * 1024];
        sandbox.files().write("/data/big.bin", new ByteArrayInputStream(data)); // streamed, any size
        long size;
        try (InputStream in = sandbox.files().readStream("/data/big.bin")) { // streamed as it is read
            size = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        sandbox.files().upload(local, "/data/local.txt"); // a local file, streamed
        sandbox.files().download("/data/local.txt", copy);
        // docs:end file-streams
        return size;
    }

    static List<FileEntry> filesystem(Sandbox sandbox) {
        // docs:begin filesystem
        sandbox.files().mkdir("/work/out"); // and its parents
        sandbox.files().write("/work/out/a.txt", "a");
        FileEntry moved = sandbox.files().move("/work/out/a.txt", "/work/out/b.txt");
        FileEntry stat = sandbox.files().stat("/work/out/b.txt"); // FILE, 1 byte, -rw-r--r--, root
        List<FileEntry> entries = sandbox.files().list("/work", 2); // two levels down
        boolean gone = !sandbox.files().exists("/work/out/a.txt");
        sandbox.files().remove("/work"); // a whole tree
        // docs:end filesystem
        if (!gone || !moved.path().equals(stat.path())) throw new AssertionError(moved + " " + stat);
        return entries;
    }

    static WatchEvent watch(Sandbox sandbox) {
        // docs:begin watch
        sandbox.files().mkdir("/watched");
        try (Watch watch = sandbox.files().watch("/watched")) { // in place once it returns
            sandbox.files().write("/watched/new.txt", "hello");
            for (WatchEvent event : watch) {
                System.out.println(event.type() + " " + event.name()); // CREATE new.txt, then WRITE...
                if (event.name().equals("new.txt")) return event;
            }
        } // closing it removes the watcher
        // docs:end watch
        throw new UncheckedIOException(new IOException("the watch ended without an event"));
    }
}
