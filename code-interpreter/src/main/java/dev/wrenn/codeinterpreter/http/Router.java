package dev.wrenn.codeinterpreter.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.wrenn.codeinterpreter.context.Contexts;
import java.io.IOException;

/**
 * The routes of E2B's code interpreter server. Every response allows any origin, as E2B's does, so that
 * browser SDKs can call it; OPTIONS preflights are answered here.
 */
public final class Router implements HttpHandler {
    private final ExecuteRoute execute;
    private final ContextRoutes contexts;

    public Router(Contexts contexts, int maxBodyBytes) {
        this.execute = new ExecuteRoute(contexts, maxBodyBytes);
        this.contexts = new ContextRoutes(contexts, maxBodyBytes);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        var headers = ex.getResponseHeaders();
        headers.set("Access-Control-Allow-Origin", "*");
        headers.set("Access-Control-Allow-Methods", "*");
        headers.set("Access-Control-Allow-Headers", "*");
        try {
            route(ex, ex.getRequestMethod(), ex.getRequestURI().getPath());
        } catch (HttpError e) {
            if (e.json != null) Responses.json(ex, e.status, e.json);
            else Responses.text(ex, e.status, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            System.err.println("wrenn-code-interpreter: " + ex.getRequestMethod() + " " + ex.getRequestURI());
            e.printStackTrace();
            // Once a stream has begun there is no status left to send: the client sees the body end early.
            if (ex.getResponseCode() == -1) Responses.text(ex, 500, "Internal error: " + e);
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex, String method, String path)
            throws IOException, HttpError, InterruptedException {
        if (method.equals("OPTIONS")) {
            Responses.noContent(ex);
            return;
        }
        String[] seg = path.replaceAll("^/+|/+$", "").split("/+");
        switch (seg.length == 1 ? seg[0] : seg.length + ":" + seg[0]) {
            case "health" -> {
                allow(method, "GET");
                Responses.json(ex, 200, "OK");
            }
            case "execute" -> {
                allow(method, "POST");
                execute.handle(ex);
            }
            case "contexts" -> {
                if (method.equals("GET")) contexts.list(ex);
                else if (method.equals("POST")) contexts.create(ex);
                else throw HttpError.detail(405, "Method Not Allowed");
            }
            case "2:contexts" -> {
                allow(method, "DELETE");
                contexts.delete(ex, seg[1]);
            }
            case "3:contexts" -> {
                if (!seg[2].equals("restart")) throw HttpError.detail(404, "Not Found");
                allow(method, "POST");
                contexts.restart(ex, seg[1]);
            }
            default -> throw HttpError.detail(404, "Not Found");
        }
    }

    private static void allow(String method, String allowed) throws HttpError {
        if (!method.equals(allowed)) throw HttpError.detail(405, "Method Not Allowed");
    }
}
