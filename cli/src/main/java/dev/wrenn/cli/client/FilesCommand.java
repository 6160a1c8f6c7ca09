package dev.wrenn.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wrenn files put|get}: streamed file transfer with a progress bar. */
@Command(
        name = "files",
        mixinStandardHelpOptions = true,
        description = "Copy files into and out of a sandbox; list, inspect, make, move and remove its paths.",
        subcommands = {
            FilesCommand.Put.class,
            FilesCommand.Get.class,
            FsCommands.Ls.class,
            FsCommands.Stat.class,
            FsCommands.Mkdir.class,
            FsCommands.Mv.class,
            FsCommands.Rm.class
        })
public final class FilesCommand {
    private static ProgressBar bar(String task, long total, boolean quiet) {
        var b = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" MiB", 1024 * 1024)
                .showSpeed()
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err));
        if (quiet) b.setMaxRenderedLength(0);
        return b.build();
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Upload LOCAL to PATH in the sandbox.")
    static final class Put implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Option(names = "--no-progress")
        boolean quiet;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1", paramLabel = "LOCAL")
        Path local;

        @Parameters(index = "2", paramLabel = "PATH", description = "Absolute destination path in the sandbox.")
        String remote;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(local)) throw new CliException("no such file: " + local);
            long size = Files.size(local);
            String boundary = "wrenn-" + UUID.randomUUID();
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n" + remote
                            + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                            + local.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
            var client = api.client();
            try (var progress = bar("put", size, quiet || api.json)) {
                var body = HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() ->
                                new SequenceInputStream(java.util.Collections.enumeration(List.of(
                                        new java.io.ByteArrayInputStream(head),
                                        counting(open(local), progress),
                                        new java.io.ByteArrayInputStream(tail))))),
                        head.length + size + tail.length);
                client.send(
                        client.request("/v1/sandboxes/" + id + "/files/stream/write")
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(body),
                        HttpResponse.BodyHandlers.ofByteArray());
            }
            if (!api.json) System.err.printf("uploaded %s to %s:%s (%d bytes)%n", local, id, remote, size);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Download PATH from the sandbox to LOCAL.")
    static final class Get implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Option(names = "--no-progress")
        boolean quiet;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1", paramLabel = "PATH", description = "Absolute path in the sandbox.")
        String remote;

        @Parameters(index = "2", paramLabel = "LOCAL", description = "Local file, or - for standard output.")
        String local;

        @Override
        public Integer call() throws IOException {
            var r = api.client().postForStream("/v1/sandboxes/" + id + "/files/read", Map.of("path", remote));
            long size = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            boolean toStdout = local.equals("-");
            Path target = toStdout ? null : Path.of(local);
            Path tmp = toStdout
                    ? null
                    : Files.createTempFile(target.toAbsolutePath().getParent(), ".wrenn-get-", ".part");
            try (InputStream in = r.body();
                    var progress = bar("get", size, quiet || toStdout || api.json);
                    OutputStream out = toStdout ? System.out : Files.newOutputStream(tmp)) {
                byte[] buf = new byte[256 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    progress.stepBy(n);
                }
            } catch (IOException | RuntimeException e) {
                if (tmp != null) Files.deleteIfExists(tmp);
                throw e;
            }
            if (tmp != null) Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            return 0;
        }
    }

    private static InputStream open(Path p) {
        try {
            return Files.newInputStream(p);
        } catch (IOException e) {
            throw new CliException("cannot read " + p + ": " + e.getMessage());
        }
    }

    private static InputStream counting(InputStream in, ProgressBar progress) {
        return new java.io.FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) progress.stepBy(n);
                return n;
            }
        };
    }
}
