// The MCP TypeScript SDK's own client against a real Wrenn server, over either transport:
//   node session.mjs http URL API_KEY            (streamable HTTP at URL/mcp)
//   node session.mjs stdio URL API_KEY CMD...    (spawns CMD, e.g. `wrenn mcp`, with WRENN_URL and WRENN_API_KEY)
// Lists the tools, calls every one, and runs an agent's session: create a sandbox, write a Python file, run it,
// read its output. run_code is called on a sandbox without an interpreter; code.mjs runs real cells.
// Prints one "ok <step>" line per passed step; any failed expectation exits non-zero with the reason.
import assert from 'node:assert/strict';
import { connect, step, tools as toolCalls } from './lib.mjs';

const { client, mode } = await connect(process.argv.slice(2));
const { ok, fails } = toolCalls(client);
assert.equal(client.getServerVersion().name, 'wrenn');
assert.match(client.getInstructions() ?? '', /create_sandbox/);
step('initialize');

const { tools } = await client.listTools();
const names = tools.map((t) => t.name).sort();
assert.deepEqual(names, ['create_sandbox', 'destroy_sandbox', 'list_files', 'list_sandboxes', 'pause_sandbox',
  'read_file', 'resume_sandbox', 'run_code', 'run_command', 'write_file']);
for (const t of tools) assert.equal(t.inputSchema.type, 'object', t.name);
step('tools/list ' + names.length);

await client.ping();
step('ping');

// An agent's session: a sandbox, a Python file, its run, its output.
const created = await ok('create_sandbox', { template: 'minimal', metadata: { agent: 'mcp-' + mode } });
const id = created.result.structuredContent.id;
assert.ok(id, created.text);
step('create_sandbox ' + id);
try {
  const listed = await ok('list_sandboxes', {});
  assert.ok(listed.result.structuredContent.items.some((s) => s.id === id), listed.text);
  step('list_sandboxes');

  const program = 'import json, sys\nrows = [n * n for n in range(10)]\n'
    + 'open("/home/user/squares.json", "w").write(json.dumps(rows))\nprint("sum", sum(rows))\n'
    + 'print("to stderr", file=sys.stderr)\n';
  await ok('write_file', { sandbox_id: id, path: '/home/user/squares.py', content: program });
  step('write_file');

  const run = await ok('run_command', { sandbox_id: id, command: 'python3 squares.py', user: 'user' });
  assert.equal(run.result.structuredContent.exit_code, 0, run.text);
  assert.equal(run.result.structuredContent.stdout, 'sum 285\n');
  assert.match(run.text, /--- stderr ---\nto stderr/);
  step('run_command');

  const read = await ok('read_file', { sandbox_id: id, path: '/home/user/squares.json' });
  assert.deepEqual(JSON.parse(read.text), [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
  step('read_file');

  const listing = await ok('list_files', { sandbox_id: id, path: '/home/user' });
  assert.match(listing.text, /file\t\d+\t\/home\/user\/squares\.py/);
  step('list_files');

  const failing = await ok('run_command', { sandbox_id: id, command: 'echo nope >&2; exit 3' });
  assert.equal(failing.result.structuredContent.exit_code, 3);
  step('run_command exit 3 is a result');

  await ok('write_file', { sandbox_id: id, path: '/tmp/b.bin', content: Buffer.from([0, 255, 1]).toString('base64'),
    encoding: 'base64' });
  const binary = await ok('read_file', { sandbox_id: id, path: '/tmp/b.bin' });
  const blob = binary.result.content.find((c) => c.type === 'resource');
  assert.equal(Buffer.from(blob.resource.blob, 'base64').toString('hex'), '00ff01');
  step('binary files');

  await fails('read_file', { sandbox_id: id, path: '/nope/missing' }, /file_not_found|not found/i);
  await fails('run_command', { sandbox_id: id }, /'command' is required/);
  await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), /no tool named/);
  step('errors');

  await fails('run_code', { sandbox_id: id, code: '1 + 1' }, /code-interpreter-v1/);
  step('run_code without an interpreter');

  const paused = await ok('pause_sandbox', { sandbox_id: id });
  assert.equal(paused.result.structuredContent.status, 'paused');
  await fails('run_command', { sandbox_id: id, command: 'true' }, /sandbox_not_running.*resume_sandbox/s);
  step('pause_sandbox');
  const resumed = await ok('resume_sandbox', { sandbox_id: id });
  assert.equal(resumed.result.structuredContent.status, 'running');
  const again = await ok('run_command', { sandbox_id: id, command: 'cat /home/user/squares.json' });
  assert.match(again.result.structuredContent.stdout, /^\[0, 1, 4/);
  step('resume_sandbox');
} finally {
  await ok('destroy_sandbox', { sandbox_id: id });
}
step('destroy_sandbox');
await fails('run_command', { sandbox_id: id, command: 'true' }, /is stopped.*create_sandbox/s);
const after = await ok('list_sandboxes', {});
assert.ok(!after.result.structuredContent.items.some((s) => s.id === id && s.status === 'running'));
step('destroyed');

await client.close();
step('closed');
