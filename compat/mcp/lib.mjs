// What the scenario scripts share: a connected MCP SDK client over either transport, and tool-call checks.
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

/** argv: `http URL API_KEY` (streamable HTTP at URL/mcp) or `stdio URL API_KEY CMD...` (spawns CMD). */
export async function connect(argv) {
  const [mode, url, apiKey, ...command] = argv;
  const transport = mode === 'http'
    ? new StreamableHTTPClientTransport(new URL(url + '/mcp'), { requestInit: { headers: { 'X-API-Key': apiKey } } })
    : new StdioClientTransport({
        command: command[0],
        args: command.slice(1),
        env: { PATH: process.env.PATH, HOME: process.env.HOME, WRENN_URL: url, WRENN_API_KEY: apiKey },
        stderr: 'inherit',
      });
  const client = new Client({ name: 'wrenn-compat', version: '1.0.0' });
  await client.connect(transport);
  return { client, mode };
}

export const step = (name) => console.log('ok ' + name);

const text = (result) => result.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');

export function tools(client) {
  async function call(name, args) {
    const result = await client.callTool({ name, arguments: args });
    return { result, text: text(result) };
  }
  return {
    call,
    /** A call that must succeed. */
    async ok(name, args) {
      const r = await call(name, args);
      assert.equal(r.result.isError, false, `${name} failed: ${r.text}`);
      return r;
    },
    /** A call that must come back as a tool error whose text matches. */
    async fails(name, args, expected) {
      const r = await call(name, args);
      assert.equal(r.result.isError, true, `${name} should have failed: ${r.text}`);
      assert.match(r.text, expected);
      return r;
    },
  };
}
