package dev.wrenn.controlplane.fs;

import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.host.FsEntry;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import dev.wrenn.controlplane.sandbox.Command;
import dev.wrenn.controlplane.sandbox.SandboxService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /v1/sandboxes/{id}/fs/...}: stat, list, make a directory, move, remove. Paths are absolute
 * and never climb ({@code ..}); {@code user} ({@code root} or {@code user}) is who acts, root when
 * absent. The watch stream is {@link WatchSocket}.
 */
public final class FsRoutes {
    private static final String BASE = "/v1/sandboxes/{id}/fs";
    private static final int MAX_DEPTH = 16;

    private final SandboxService sandboxes;

    public FsRoutes(SandboxService sandboxes) {
        this.sandboxes = sandboxes;
    }

    public void register(RoutesConfig routes, Authenticator auth) {
        routes.get(BASE + "/stat", auth.withApiKey(this::stat));
        routes.get(BASE + "/list", auth.withApiKey(this::list));
        routes.post(BASE + "/mkdir", auth.withApiKey(this::mkdir));
        routes.post(BASE + "/move", auth.withApiKey(this::move));
        routes.post(BASE + "/remove", auth.withApiKey(this::remove));
    }

    private static String team(Context ctx) {
        return Authenticator.principal(ctx).teamId();
    }

    /** Linux's limit on a path, terminating NUL included. */
    static final int PATH_MAX = 4096;

    /** Linux's limit on one name of a path (ENAMETOOLONG past it). */
    static final int NAME_MAX = 255;

    /** An absolute path without {@code ..} segments, shorter than PATH_MAX, no name past NAME_MAX; 400 otherwise. */
    static String path(String raw, String field) {
        if (raw == null || raw.isEmpty()) throw ApiException.invalid("'" + field + "' is required");
        if (!raw.startsWith("/")) throw ApiException.invalid("'" + field + "' must be absolute: '" + raw + "'");
        checkLengths(raw, field);
        for (String segment : raw.split("/")) {
            if (segment.equals(".."))
                throw ApiException.invalid("'" + field + "' must not contain '..': '" + raw + "'");
        }
        return raw;
    }

    /**
     * 400 for a path past Linux's PATH_MAX or with a name past NAME_MAX: the guest's ENAMETOOLONG came back as a 502
     * (found by HostileInputIT, on fs/* and files/write).
     */
    public static void checkLengths(String raw, String field) {
        if (raw.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= PATH_MAX) {
            throw ApiException.invalid("'" + field + "' is longer than " + (PATH_MAX - 1) + " bytes");
        }
        for (String segment : raw.split("/")) {
            if (segment.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > NAME_MAX)
                throw ApiException.invalid("'" + field + "' has a name longer than " + NAME_MAX + " bytes");
        }
    }

    static String user(String raw) {
        return Command.user(raw == null || raw.isEmpty() ? null : raw);
    }

    private void stat(Context ctx) {
        String id = ctx.pathParam("id");
        String path = path(ctx.queryParam("path"), "path");
        String user = user(ctx.queryParam("user"));
        ctx.json(view(sandboxes.guestCall(
                team(ctx),
                id,
                "reading " + path,
                ApiError.FILE_NOT_FOUND,
                a -> a.filesystem().stat(id, path, user))));
    }

    private void list(Context ctx) {
        String id = ctx.pathParam("id");
        String path = path(ctx.queryParam("path"), "path");
        String user = user(ctx.queryParam("user"));
        int depth = depth(ctx.queryParam("depth"));
        var entries = sandboxes.guestCall(
                team(ctx),
                id,
                "listing " + path,
                ApiError.FILE_NOT_FOUND,
                a -> a.filesystem().list(id, path, depth, user));
        ctx.json(entries.stream().map(FsRoutes::view).toList());
    }

    static int depth(String raw) {
        if (raw == null || raw.isEmpty()) return 1;
        try {
            int d = Integer.parseInt(raw);
            if (d >= 1 && d <= MAX_DEPTH) return d;
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiException.invalid("'depth' must be a whole number from 1 to " + MAX_DEPTH + ", not '" + raw + "'");
    }

    private void mkdir(Context ctx) {
        var body = JsonBody.of(ctx);
        String id = ctx.pathParam("id");
        String path = path(body.optionalString("path").orElse(null), "path");
        String user = user(body.optionalString("user").orElse(null));
        ctx.status(201)
                .json(view(sandboxes.guestCall(
                        team(ctx),
                        id,
                        "making " + path,
                        ApiError.FILE_NOT_FOUND,
                        a -> a.filesystem().makeDir(id, path, user))));
    }

    private void move(Context ctx) {
        var body = JsonBody.of(ctx);
        String id = ctx.pathParam("id");
        String source = path(body.optionalString("source").orElse(null), "source");
        String destination = path(body.optionalString("destination").orElse(null), "destination");
        String user = user(body.optionalString("user").orElse(null));
        ctx.json(view(sandboxes.guestCall(
                team(ctx),
                id,
                "moving " + source,
                ApiError.FILE_NOT_FOUND,
                a -> a.filesystem().move(id, source, destination, user))));
    }

    private void remove(Context ctx) {
        var body = JsonBody.of(ctx);
        String id = ctx.pathParam("id");
        String path = path(body.optionalString("path").orElse(null), "path");
        String user = user(body.optionalString("user").orElse(null));
        sandboxes.guestCall(team(ctx), id, "removing " + path, ApiError.FILE_NOT_FOUND, a -> {
            a.filesystem().remove(id, path, user);
            return null;
        });
        ctx.status(204);
    }

    static Map<String, Object> view(FsEntry e) {
        var v = new LinkedHashMap<String, Object>();
        v.put("name", e.name());
        v.put("type", e.type());
        v.put("path", e.path());
        v.put("size", e.size());
        v.put("mode", e.mode());
        v.put("permissions", e.permissions());
        v.put("owner", e.owner());
        v.put("group", e.group());
        v.put("modified", e.modified());
        v.put("symlink_target", e.symlinkTarget());
        return v;
    }
}
