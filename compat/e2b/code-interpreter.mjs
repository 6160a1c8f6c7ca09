// The published code interpreter SDK (@e2b/code-interpreter) against a Wrenn server, unmodified: one sandbox of
// its default template (code-interpreter-v1, the server's built-in template), reached through the sandbox proxy
// on port 49999. Cells that print, raise, draw a chart and show a DataFrame; state across cells, across pause
// and resume, and between two contexts; the context calls.
// Run: E2B_API_URL=http://127.0.0.1:PORT E2B_SANDBOX_URL=http://127.0.0.1:PORT E2B_API_KEY=... node code-interpreter.mjs
import assert from 'node:assert/strict';
import { Sandbox } from '@e2b/code-interpreter';
import { env, main, runId } from './lib/harness.mjs';

env('E2B_SANDBOX_URL');
env('E2B_API_URL');
env('E2B_API_KEY');

/** Width and height of a PNG, from its IHDR chunk; fails unless the bytes are a PNG. */
function pngSize(base64) {
  const b = Buffer.from(base64, 'base64');
  assert.equal(b.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
  assert.equal(b.subarray(12, 16).toString('ascii'), 'IHDR', 'PNG header chunk');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

await main('code-interpreter', async (run) => {
  const sandbox = await run.must('Sandbox.create(): the SDK\'s default template, code-interpreter-v1', async () => {
    const s = await Sandbox.create({ metadata: { suite: 'code-interpreter', run: runId }, timeoutMs: 900_000 });
    const info = await s.getInfo();
    assert.equal(info.name ?? info.templateId, 'code-interpreter-v1');
    console.log(`     sandbox ${s.sandboxId} from ${info.templateId}`);
    return s;
  });
  run.defer(`kill ${sandbox.sandboxId}`, () => Sandbox.kill(sandbox.sandboxId));

  await run.step('a cell that prints: stdout, the last expression as the result, execution counts', async () => {
    const seen = [];
    const e = await sandbox.runCode('print("hello from wrenn")\n6 * 7', { onStdout: (m) => seen.push(m.line) });
    assert.deepEqual(e.logs.stdout, ['hello from wrenn\n']);
    assert.deepEqual(e.logs.stderr, []);
    assert.equal(e.error, undefined);
    assert.equal(e.text, '42');
    assert.equal(e.results.length, 1);
    assert.equal(e.results[0].isMainResult, true);
    assert.deepEqual(seen, ['hello from wrenn\n'], 'onStdout saw the line as it came');
    assert.ok(e.executionCount >= 1, `execution count ${e.executionCount}`);
    const next = await sandbox.runCode('1');
    assert.equal(next.executionCount, e.executionCount + 1);
  });

  await run.step('a cell that raises: the error\'s name, value and traceback; stderr apart', async () => {
    const e = await sandbox.runCode('import sys\nprint("to stderr", file=sys.stderr)\n{}["missing"]');
    assert.ok(e.error, 'an error');
    assert.equal(e.error.name, 'KeyError');
    assert.equal(e.error.value, "'missing'");
    assert.match(e.error.traceback, /KeyError/);
    assert.deepEqual(e.logs.stderr, ['to stderr\n']);
    assert.equal(e.results.length, 0);
  });

  await run.step('a matplotlib chart comes back as image/png of the figure\'s size', async () => {
    // The inline backend crops figures to their content unless told not to; uncropped the size is exact.
    const e = await sandbox.runCode("%config InlineBackend.print_figure_kwargs = {'bbox_inches': None}\n"
      + 'import matplotlib.pyplot as plt\nfig = plt.figure(figsize=(4, 3), dpi=100)\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.show()');
    assert.equal(e.error, undefined, e.error && e.error.traceback);
    const charts = e.results.filter((r) => r.png);
    assert.equal(charts.length, 1, `one figure among ${JSON.stringify(e.results.map((r) => r.formats()))}`);
    assert.deepEqual(pngSize(charts[0].png), { width: 400, height: 300 });
  });

  await run.step('a DataFrame comes back as text and HTML', async () => {
    const e = await sandbox.runCode('import pandas as pd\npd.DataFrame({"a": [1, 2], "b": ["x", "y"]})');
    assert.equal(e.error, undefined, e.error && e.error.traceback);
    const r = e.results[0];
    assert.ok(r.isMainResult);
    assert.match(r.text, /a\s+b\s*\n0\s+1\s+x\s*\n1\s+2\s+y/);
    assert.match(r.html, /<table[^>]*class="dataframe"/);
    assert.match(r.html, /<td>x<\/td>/);
  });

  await run.step('state persists between cells: variables and imports', async () => {
    await sandbox.runCode('import math\ncounter = 41');
    const e = await sandbox.runCode('counter += 1\n(counter, math.floor(2.5))');
    assert.equal(e.text, '(42, 2)');
  });

  const other = await run.step('two contexts do not see each other; each has its working directory', async () => {
    const ctx = await sandbox.createCodeContext({ cwd: '/tmp' });
    assert.equal(ctx.language, 'python');
    assert.equal(ctx.cwd, '/tmp');
    const missing = await sandbox.runCode('counter', { context: ctx });
    assert.equal(missing.error?.name, 'NameError');
    await sandbox.runCode('secret = "only here"', { context: ctx });
    // E2B's server gives a str's repr without its quotes.
    assert.equal((await sandbox.runCode('import os\nos.getcwd()', { context: ctx })).text, '/tmp');
    assert.equal((await sandbox.runCode('"secret" in globals()')).text, 'False');
    const ids = (await sandbox.listCodeContexts()).map((c) => c.id);
    assert.ok(ids.includes(ctx.id), `${ctx.id} in ${ids}`);
    return ctx;
  });

  await run.step('state survives pause and resume (Sandbox.connect)', async () => {
    await sandbox.runCode('before_pause = [1, 2, 3]');
    assert.equal(await sandbox.pause(), true);
    assert.equal((await sandbox.getInfo()).state, 'paused');
    const resumed = await Sandbox.connect(sandbox.sandboxId, { timeoutMs: 900_000 });
    const e = await resumed.runCode('sum(before_pause) + counter');
    assert.equal(e.text, '48');
    if (other.ok) assert.equal((await resumed.runCode('secret', { context: other.value })).text, 'only here');
  });

  await run.step('restartCodeContext forgets its state; removeCodeContext ends it', async () => {
    if (!other.ok) throw new Error('needs the context of the step before');
    await sandbox.restartCodeContext(other.value);
    assert.equal((await sandbox.runCode('secret', { context: other.value })).error?.name, 'NameError');
    await sandbox.removeCodeContext(other.value);
    const ids = (await sandbox.listCodeContexts()).map((c) => c.id);
    assert.ok(!ids.includes(other.value.id), `${other.value.id} removed, still in ${ids}`);
  });
});
