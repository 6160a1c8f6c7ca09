package dev.wrenn.cli.client;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code wrenn mcp}: Wrenn's MCP server on standard input and output, for agents that start their tools. */
@Command(
        name = "mcp",
        mixinStandardHelpOptions = true,
        description = {
            "Serve Wrenn's MCP tools over standard input and output (MCP's stdio transport).",
            "An MCP client (an agent, an IDE) starts this command and talks JSON-RPC on its",
            "stdin and stdout; every tool call goes to the server at --url with --api-key.",
            "The same tools are served over HTTP at <url>/mcp (docs/mcp.md).",
            "  claude mcp add wrenn -e WRENN_API_KEY=wrn_... -- ./wrenn mcp"
        })
public final class McpCommand implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Override
    public Integer call() throws Exception {
        new McpBridge(api.client(), System.out, System.err).run(System.in);
        return 0;
    }
}
