package dev.wrenn.sdk.examples;

import dev.wrenn.sdk.ConflictException;
import dev.wrenn.sdk.NotFoundException;
import dev.wrenn.sdk.WrennException;
import dev.wrenn.sdk.process.CommandResult;
import dev.wrenn.sdk.sandbox.Sandbox;

final class ErrorExamples {
    private ErrorExamples() {}

    static String handle(Sandbox sandbox) {
        // docs:begin errors
        try {
            CommandResult r = sandbox.commands().run("cat /etc/hostname");
            return r.stdout();
        } catch (ConflictException e) { // 409: e.g. the sandbox is paused
            if (e.code().equals("sandbox_not_running")) sandbox.resume();
            return "try again";
        } catch (NotFoundException e) { // 404: destroyed, or another team's
            return "gone: " + e.getMessage();
        } catch (WrennException e) { // everything else: e.status(), e.code(), e.getMessage()
            return e.status() + " " + e.code();
        }
        // docs:end errors
    }
}
