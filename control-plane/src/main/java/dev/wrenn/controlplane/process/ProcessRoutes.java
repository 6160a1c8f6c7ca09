package dev.wrenn.controlplane.process;

import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.host.ProcessEvents;
import dev.wrenn.controlplane.host.ProcessSummary;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import dev.wrenn.controlplane.sandbox.SandboxService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code /v1/sandboxes/{id}/processes}: processes that outlive their request. Start one, list the
 * live ones, read one (running, or its exit code once it ended), write to its stdin, signal it.
 * Attaching to its output is {@link ProcessSocket}.
 */
public final class ProcessRoutes {
    private static final String BASE = "/v1/sandboxes/{id}/processes";

    private final SandboxService sandboxes;

    public ProcessRoutes(SandboxService sandboxes) {
        this.sandboxes = sandboxes;
    }

    public void register(RoutesConfig routes, Authenticator auth) {
        routes.post(BASE, auth.withApiKey(this::start));
        routes.get(BASE, auth.withApiKey(this::list));
        routes.get(BASE + "/{pid}", auth.withApiKey(this::get));
        routes.post(BASE + "/{pid}/stdin", auth.withApiKey(this::stdin));
        routes.post(BASE + "/{pid}/signal", auth.withApiKey(this::signal));
    }

    private static String team(Context ctx) {
        return Authenticator.principal(ctx).teamId();
    }

    static long pid(String raw) {
        try {
            long pid = Long.parseLong(raw);
            if (pid > 0 && pid <= Integer.MAX_VALUE) return pid;
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiException.invalid("'" + raw + "' is not a process id");
    }

    private void start(Context ctx) {
        var request = ProcessStart.parse(JsonBody.of(ctx).root(), null);
        String id = ctx.pathParam("id");
        long pid = sandboxes.guestCall(
                team(ctx),
                id,
                "starting a process",
                ApiError.NOT_FOUND,
                a -> a.processes().start(id, request));
        var body = new LinkedHashMap<String, Object>();
        body.put("pid", pid);
        body.put("tag", request.tag());
        ctx.status(201).json(body);
    }

    private void list(Context ctx) {
        String id = ctx.pathParam("id");
        List<ProcessSummary> all = sandboxes.guestCall(
                team(ctx),
                id,
                "listing processes",
                ApiError.NOT_FOUND,
                a -> a.processes().list(id));
        ctx.json(all.stream().map(ProcessRoutes::view).toList());
    }

    static Map<String, Object> view(ProcessSummary p) {
        var v = new LinkedHashMap<String, Object>();
        v.put("pid", p.pid());
        v.put("tag", p.tag());
        v.put("cmd", p.cmd());
        v.put("args", p.args());
        v.put("cwd", p.cwd());
        v.put("running", true);
        return v;
    }

    /** A live process as listed; an ended one with its exit code (the guest keeps recent ends). */
    private void get(Context ctx) {
        String id = ctx.pathParam("id");
        long pid = pid(ctx.pathParam("pid"));
        String team = team(ctx);
        var live = sandboxes.guestCall(
                team,
                id,
                "listing processes",
                ApiError.NOT_FOUND,
                a -> a.processes().list(id));
        for (var p : live) {
            if (p.pid() == pid) {
                ctx.json(view(p));
                return;
            }
        }
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        var attachment = sandboxes.guestCall(
                team,
                id,
                "reading a process",
                ApiError.NOT_FOUND,
                a -> a.processes().attach(id, pid, new ExitOnly(exit)));
        try {
            int code = exit.get(30, TimeUnit.SECONDS);
            var v = new LinkedHashMap<String, Object>();
            v.put("pid", pid);
            v.put("running", false);
            v.put("exit_code", code);
            ctx.json(v);
        } catch (TimeoutException e) {
            throw new ApiException(ApiError.HOST_AGENT_TIMEOUT, "process " + pid + " did not report its end");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof HostAgentException h
                    ? new ApiException(
                            h.kind() == HostAgentException.Kind.NOT_FOUND
                                    ? ApiError.NOT_FOUND
                                    : ApiError.HOST_AGENT_ERROR,
                            h.detail())
                    : new ApiException(ApiError.INTERNAL_ERROR, String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiError.INTERNAL_ERROR, "interrupted");
        } finally {
            attachment.detach();
        }
    }

    /** Waits for the end of an attachment only; output is not wanted here. */
    private record ExitOnly(CompletableFuture<Integer> exit) implements ProcessEvents {
        public void started(long pid) {}

        public void stdout(byte[] data) {}

        public void stderr(byte[] data) {}

        public void exited(int exitCode) {
            exit.complete(exitCode);
        }

        public void error(String message) {
            exit.completeExceptionally(new HostAgentException(HostAgentException.Kind.FAILED, message, null));
        }

        public void failed(HostAgentException e) {
            exit.completeExceptionally(e);
        }
    }

    private void stdin(Context ctx) {
        var body = JsonBody.of(ctx).root();
        String id = ctx.pathParam("id");
        long pid = pid(ctx.pathParam("pid"));
        byte[] data = data(body);
        boolean close = body.path("close").asBoolean(false);
        sandboxes.guestCall(team(ctx), id, "writing to a process", ApiError.NOT_FOUND, a -> {
            if (data.length > 0)
                a.processes().input(id, pid, data, body.path("pty").asBoolean(false));
            if (close) a.processes().closeStdin(id, pid);
            return null;
        });
        ctx.status(204);
    }

    /** {@code data} as UTF-8 text, or base64 with {@code "encoding":"base64"}. */
    static byte[] data(tools.jackson.databind.JsonNode body) {
        String data = body.path("data").asString("");
        if (!"base64".equals(body.path("encoding").asString("utf-8"))) return data.getBytes(StandardCharsets.UTF_8);
        try {
            return Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("'data' is not valid base64");
        }
    }

    private void signal(Context ctx) {
        var body = JsonBody.of(ctx);
        String id = ctx.pathParam("id");
        long pid = pid(ctx.pathParam("pid"));
        String signal = body.optionalString("signal").orElse("SIGTERM");
        sandboxes.guestCall(team(ctx), id, "signalling a process", ApiError.NOT_FOUND, a -> {
            a.processes().signal(id, pid, signal);
            return null;
        });
        ctx.status(204);
    }
}
