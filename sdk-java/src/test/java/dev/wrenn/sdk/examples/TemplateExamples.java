package dev.wrenn.sdk.examples;

import dev.wrenn.sdk.Wrenn;
import dev.wrenn.sdk.sandbox.CreateSandbox;
import dev.wrenn.sdk.sandbox.Sandbox;
import dev.wrenn.sdk.template.BuildInfo;
import dev.wrenn.sdk.template.BuildLog;
import dev.wrenn.sdk.template.BuildLogLine;
import dev.wrenn.sdk.template.BuildRequest;
import dev.wrenn.sdk.template.TemplateInfo;
import java.nio.file.Path;

final class TemplateExamples {
    private TemplateExamples() {}

    static String snapshot(Wrenn wrenn, Sandbox sandbox) {
        // docs:begin snapshot
        sandbox.files().write("/etc/app-ready", "yes");
        TemplateInfo template = wrenn.templates().snapshot(sandbox.id(), "app-ready"); // the sandbox goes
        String ready;
        try (Sandbox clone = wrenn.sandboxes()
                .create(CreateSandbox.builder().template(template.name()).build())) { // about a second
            ready = clone.files().readText("/etc/app-ready"); // yes: its disk, memory and processes
        }
        wrenn.templates().delete("app-ready");
        // docs:end snapshot
        return ready;
    }

    static BuildInfo build(Wrenn wrenn, Path dir) {
        // docs:begin build
        // dir holds a Dockerfile ("FROM minimal", COPY, RUN, ...) and the files it copies
        BuildInfo build =
                wrenn.builds().start(BuildRequest.fromDirectory("myapp", dir).build());
        try (BuildLog log = wrenn.builds().logs(build.id(), true, 0)) { // follows until the build ends
            for (BuildLogLine line : log) {
                System.out.println(line.kind() + " " + line.text());
            }
        }
        BuildInfo done = wrenn.builds().get(build.id()); // READY, or FAILED with failedLine() and error()
        // docs:end build
        return done;
    }
}
