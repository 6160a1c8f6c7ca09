package dev.wrenn.sdk.examples;

// docs:begin quick-start
import dev.wrenn.sdk.Wrenn;
import dev.wrenn.sdk.process.CommandResult;
import dev.wrenn.sdk.sandbox.Sandbox;

public class QuickStart {
    public static void main(String[] args) {
        try (Wrenn wrenn = Wrenn.fromEnvironment();
                Sandbox sandbox = wrenn.sandboxes().create()) {
            CommandResult result = sandbox.commands().run("echo \"Hello from $(hostname)\"; python3 -c 'print(6 * 7)'");
            System.out.print(result.stdout());
        } // the sandbox is destroyed here
    }
}
// docs:end quick-start
