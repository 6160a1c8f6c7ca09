package dev.wrenn.cli.client;

import dev.wrenn.controlplane.build.ContextArchive;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code wrenn template build DIR}: uploads DIR (as the build context) and its recipe, then follows
 * the build's log until it ends. Exit 0 when the template is ready, 1 when the build failed.
 */
@Command(
        name = "build",
        mixinStandardHelpOptions = true,
        description = {
            "Build a template from a recipe (a Dockerfile subset: docs/templates.md) and follow its log.",
            "DIR is the build context that COPY reads; the recipe is DIR/Dockerfile unless --file says."
        })
final class TemplateBuild implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Parameters(paramLabel = "DIR", defaultValue = ".")
    Path dir;

    @Option(names = "--name", required = true, description = "The template to build (replaced when it exists).")
    String name;

    @Option(
            names = {"-f", "--file"},
            description = "The recipe (default: DIR/Dockerfile).")
    Path file;

    @Option(names = "--no-cache", description = "Run every step; use no cached layer.")
    boolean noCache;

    @Option(names = "--detach", description = "Print the build id and return without following the log.")
    boolean detach;

    @Override
    public Integer call() throws IOException {
        Path recipe = file != null ? file : dir.resolve("Dockerfile");
        if (!Files.isRegularFile(recipe)) throw new CliException("no recipe at " + recipe + " (use --file)");
        var client = api.client();
        String boundary = "wrenn-" + UUID.randomUUID();
        var body = new ByteArrayOutputStream();
        part(body, boundary, "name", null, name.getBytes(StandardCharsets.UTF_8));
        part(body, boundary, "recipe", null, Files.readAllBytes(recipe));
        part(body, boundary, "context", "context.tar", tar(dir));
        if (noCache) part(body, boundary, "no_cache", null, "true".getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        var r = client.send(
                client.request("/v1/templates/builds")
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode build = ApiClient.JSON.readTree(r.body());
        String id = build.path("id").asString();
        if (detach) {
            SandboxCommand.out().println(api.json ? build : id);
            return 0;
        }
        System.err.println("build " + id + " of " + name + " queued");
        follow(client, id);
        JsonNode end = client.getJson("/v1/templates/builds/" + id);
        if (api.json) SandboxCommand.out().println(end);
        String status = end.path("status").asString();
        System.err.printf(
                "%s: %s (%d steps cached, %d run)%n",
                name,
                status,
                end.path("steps_cached").asInt(),
                end.path("steps_run").asInt());
        return status.equals("ready") ? 0 : 1;
    }

    private void follow(ApiClient client, String id) {
        var r = client.send(
                client.request("/v1/templates/builds/" + URLEncoder.encode(id, StandardCharsets.UTF_8)
                                + "/logs?follow=true")
                        .GET(),
                HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = r.body()) {
            lines.forEach(l -> {
                JsonNode e = ApiClient.JSON.readTree(l);
                String text = e.path("text").asString();
                switch (e.path("kind").asString()) {
                    case "step" -> System.err.println("==> " + text);
                    case "stdout" -> System.err.println("    " + text);
                    case "stderr" -> System.err.println("  ! " + text);
                    case "error" -> System.err.println("error: " + text);
                    case "end" -> {}
                    default -> System.err.println("--- " + text);
                }
            });
        }
    }

    private static void part(ByteArrayOutputStream body, String boundary, String field, String file, byte[] data) {
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\""
                + (file == null ? "" : "; filename=\"" + file + "\"\r\nContent-Type: application/x-tar") + "\r\n\r\n";
        body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(data);
        body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }

    /** The directory as a build context (the server's own format for it). */
    static byte[] tar(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new CliException(dir + " is not a directory");
        return ContextArchive.of(dir);
    }
}
