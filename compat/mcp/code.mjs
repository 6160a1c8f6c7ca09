// run_code through the MCP TypeScript SDK's client: cells in a real code interpreter, state kept between calls,
// a chart as an image, an exception as content.
//   node code.mjs http URL API_KEY SANDBOX_ID     (a sandbox of template code-interpreter-v1)
import assert from 'node:assert/strict';
import { connect, step, tools } from './lib.mjs';

const argv = process.argv.slice(2);
const sandbox = argv.pop();
const { client } = await connect(argv);
const { ok } = tools(client);

// Names of its own: the sandbox's default context is shared with the tests around this one.
const cell = await ok('run_code', { sandbox_id: sandbox, code: 'mcp_answer = 6 * 7\nprint("hi")\nmcp_answer' });
assert.match(cell.text, /--- stdout ---\nhi/);
assert.match(cell.text, /--- result ---\n42/);
const state = await ok('run_code', { sandbox_id: sandbox, code: 'mcp_answer + 1' });
assert.match(state.text, /--- result ---\n43/);
step('run_code keeps state');

const chart = await ok('run_code', { sandbox_id: sandbox,
  code: 'import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()' });
const png = chart.result.content.find((c) => c.type === 'image');
assert.ok(png, chart.text);
assert.equal(png.mimeType, 'image/png');
assert.equal(Buffer.from(png.data, 'base64').subarray(1, 4).toString(), 'PNG');
step('run_code chart');

const raised = await ok('run_code', { sandbox_id: sandbox, code: '1 / 0' });
assert.match(raised.text, /--- error ---\nZeroDivisionError/);
step('run_code exception');
await client.close();
