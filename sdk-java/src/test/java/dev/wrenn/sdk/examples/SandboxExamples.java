package dev.wrenn.sdk.examples;

import dev.wrenn.sdk.Wrenn;
import dev.wrenn.sdk.sandbox.CreateSandbox;
import dev.wrenn.sdk.sandbox.NetworkPolicy;
import dev.wrenn.sdk.sandbox.OnTimeout;
import dev.wrenn.sdk.sandbox.Sandbox;
import dev.wrenn.sdk.sandbox.SandboxInfo;
import dev.wrenn.sdk.sandbox.SandboxPage;
import dev.wrenn.sdk.sandbox.SandboxQuery;
import dev.wrenn.sdk.sandbox.SandboxStatus;
import java.time.Duration;
import java.util.List;

final class SandboxExamples {
    private SandboxExamples() {}

    static Sandbox create(Wrenn wrenn) {
        // docs:begin create
        Sandbox sandbox = wrenn.sandboxes()
                .create(CreateSandbox.builder()
                        .template("minimal")
                        .vcpus(1)
                        .memoryMb(1024)
                        .ttl(Duration.ofMinutes(30)) // destroyed 30 min after it starts...
                        .onTimeout(OnTimeout.KILL) // ...or paused, with OnTimeout.PAUSE
                        .autoPauseAfter(Duration.ofMinutes(10)) // paused after 10 idle minutes
                        .metadata("suite", "sdk-docs")
                        .envVar("GREETING", "hello") // every process sees it; never stored
                        .build());
        System.out.println(sandbox.id() + " is " + sandbox.info().status()); // sb-... is RUNNING
        // docs:end create
        return sandbox;
    }

    static List<SandboxInfo> list(Wrenn wrenn) {
        // docs:begin list
        List<SandboxInfo> mine = wrenn.sandboxes()
                .list(SandboxQuery.builder()
                        .status(SandboxStatus.RUNNING, SandboxStatus.PAUSED)
                        .metadata("suite", "sdk-docs")
                        .build());

        // One page at a time, newest first:
        SandboxPage page =
                wrenn.sandboxes().page(SandboxQuery.builder().limit(20).build());
        page.nextCursor()
                .ifPresent(cursor -> wrenn.sandboxes()
                        .page(SandboxQuery.builder().limit(20).cursor(cursor).build()));
        // docs:end list
        return mine;
    }

    static SandboxInfo lifecycle(Wrenn wrenn, String id) {
        // docs:begin lifecycle
        Sandbox sandbox = wrenn.sandboxes().get(id);
        sandbox.pause(); // memory, processes and disk saved; the VM released
        sandbox.resume(); // back as it was, in a new VM
        sandbox.setTimeout(Duration.ofHours(1)); // ends an hour from now (Duration.ZERO: never)
        sandbox.setNetwork(NetworkPolicy.only("10.0.0.0/8")); // egress: nothing else
        SandboxInfo info = sandbox.refresh();
        System.out.println(info.status() + " until " + info.endAt());
        // docs:end lifecycle
        return info;
    }
}
