// One sandbox of the default template through the published SDK, from create to kill: its info, E2B's base
// template conventions, commands, a terminal, files, a web server reached through getHost, metrics, and the
// failures (bad API key, bad access token, another team, the killed sandbox) as the SDK's own error types.
// Run: E2B_API_URL=http://127.0.0.1:PORT E2B_SANDBOX_URL=http://127.0.0.1:PORT E2B_API_KEY=... node sandbox.mjs
// Optional: WRENN_E2B_OTHER_API_KEY (a key of another team: it must not see the sandbox).
import assert from 'node:assert/strict';
import {
  AuthenticationError,
  Sandbox,
  SandboxError,
  SandboxNotFoundError,
  TimeoutError,
} from 'e2b';
import { commandScenarios, conventionScenarios, ptyScenarios } from './lib/commands.mjs';
import { fileScenarios } from './lib/files.mjs';
import { envdHeaders, get } from './lib/http.mjs';
import { env, main, poll, rejectsWith, runId } from './lib/harness.mjs';

const sandboxUrl = env('E2B_SANDBOX_URL');
env('E2B_API_URL');
env('E2B_API_KEY');
const TIMEOUT_MS = 900_000;
const BAD_KEY = `e2b_${'0'.repeat(40)}`;

await main('sandbox', async (run) => {
  const metadata = { suite: 'sandbox', run: runId };
  const sandbox = await run.must('Sandbox.create(): default template, metadata, envs', async () => {
    const s = await Sandbox.create({ metadata, envs: { WRENN_FROM_CREATE: 'created-with-envs' }, timeoutMs: TIMEOUT_MS });
    assert.match(s.sandboxId, /^[A-Za-z0-9_-]+$/);
    assert.ok(s.envdAccessToken, 'the create answer carries an envdAccessToken (the sandbox is secured)');
    console.log(`     sandbox ${s.sandboxId}, envd ${s.envdApi.version}, domain ${s.sandboxDomain}`);
    return s;
  });
  run.defer(`kill ${sandbox.sandboxId}`, () => Sandbox.kill(sandbox.sandboxId));

  await run.step('sandbox.getInfo() and Sandbox.getInfo(id)', async () => {
    const info = await sandbox.getInfo();
    assert.equal(info.sandboxId, sandbox.sandboxId);
    assert.deepEqual(info.metadata, metadata);
    assert.equal(info.state, 'running');
    assert.ok(info.templateId, 'templateId');
    assert.match(info.envdVersion, /^\d+\.\d+\.\d+$/);
    assert.equal(info.envdVersion, sandbox.envdApi.version);
    assert.ok(info.cpuCount >= 1 && info.memoryMB > 0, `cpuCount ${info.cpuCount}, memoryMB ${info.memoryMB}`);
    const ttl = (info.endAt - info.startedAt) / 1000;
    assert.ok(Math.abs(ttl - TIMEOUT_MS / 1000) <= 5, `endAt - startedAt = ${ttl} s, asked for ${TIMEOUT_MS / 1000} s`);
    const again = await Sandbox.getInfo(sandbox.sandboxId);
    assert.equal(again.sandboxId, sandbox.sandboxId);
    assert.deepEqual(again.metadata, metadata);
  });
  await run.step('Sandbox.create() of an unknown template fails as a SandboxError', async () => {
    const e = await rejectsWith(Sandbox.create(`no-such-template-${runId}`), SandboxError, 'unknown template');
    assert.ok(!(e instanceof AuthenticationError));
  });

  await conventionScenarios(run, sandbox);
  await commandScenarios(run, sandbox);
  await ptyScenarios(run, sandbox);
  await fileScenarios(run, sandbox);

  await run.step('sandbox.getHost(port) reaches python3 -m http.server in the sandbox', async () => {
    await sandbox.files.write('/home/user/www/hello.txt', 'served from the sandbox\n');
    const server = await sandbox.commands.run('python3 -m http.server 8080 --directory /home/user/www',
      { background: true });
    try {
      const host = sandbox.getHost(8080);
      assert.ok(host.startsWith(`8080-${sandbox.sandboxId}.`), host);
      // {port}-{id}.{domain} does not resolve here: the Wrenn server's own address, with that Host header.
      const r = await poll(`GET /hello.txt with Host: ${host}`, async () => {
        const res = await get(sandboxUrl, '/hello.txt', { Host: host });
        return res.status === 200 ? res : undefined;
      }, { timeoutMs: 60_000 });
      assert.equal(r.body, 'served from the sandbox\n');
      const missing = await get(sandboxUrl, '/absent.txt', { Host: host });
      assert.equal(missing.status, 404, 'the web server itself answers 404');
    } finally {
      await server.kill();
    }
  });

  await run.step('sandbox.getMetrics() after a sample was taken', async () => {
    const metrics = await poll('a metrics sample', async () => {
      const m = await sandbox.getMetrics();
      return m.length ? m : undefined;
    }, { timeoutMs: 120_000, everyMs: 2_000 });
    const m = metrics.at(-1);
    assert.ok(m.timestamp instanceof Date && !Number.isNaN(m.timestamp.getTime()), `timestamp ${m.timestamp}`);
    assert.ok(m.cpuCount >= 1, `cpuCount ${m.cpuCount}`);
    assert.ok(m.cpuUsedPct >= 0 && m.cpuUsedPct <= 100 * m.cpuCount, `cpuUsedPct ${m.cpuUsedPct}`);
    assert.ok(m.memTotal > 0 && m.memUsed > 0 && m.memUsed <= m.memTotal, `mem ${m.memUsed}/${m.memTotal}`);
    assert.ok(m.diskTotal > 0 && m.diskUsed > 0 && m.diskUsed <= m.diskTotal, `disk ${m.diskUsed}/${m.diskTotal}`);
    const byId = await Sandbox.getMetrics(sandbox.sandboxId);
    assert.ok(byId.length >= 1);
  });

  await run.step('Sandbox.connect() to a running sandbox; a wrong access token is AuthenticationError', async () => {
    const other = await Sandbox.connect(sandbox.sandboxId);
    assert.equal((await other.commands.run('echo via-connect')).stdout, 'via-connect\n');
    other.envdAccessToken = 'not-the-token';
    await rejectsWith(other.commands.run('true'), AuthenticationError, 'commands.run with a wrong token');
    await rejectsWith(other.files.list('/'), AuthenticationError, 'files.list with a wrong token');
  });
  await run.step('the proxy: /files with a wrong, a missing and the right X-Access-Token', async () => {
    const path = '/files?path=%2Fetc%2Fhostname';
    assert.equal((await get(sandboxUrl, path, envdHeaders(sandbox.sandboxId, 'wrong'))).status, 401);
    assert.equal((await get(sandboxUrl, path, envdHeaders(sandbox.sandboxId))).status, 401);
    const ok = await get(sandboxUrl, path, envdHeaders(sandbox.sandboxId, sandbox.envdAccessToken));
    assert.equal(ok.status, 200, ok.body);
    assert.ok(ok.body.length > 0);
  });
  await run.step('a bad API key is AuthenticationError', async () => {
    await rejectsWith(Sandbox.create({ apiKey: BAD_KEY }), AuthenticationError, 'create');
    await rejectsWith(Sandbox.list({ apiKey: BAD_KEY }).nextItems(), AuthenticationError, 'list');
    await rejectsWith(Sandbox.getInfo(sandbox.sandboxId, { apiKey: BAD_KEY }), AuthenticationError, 'getInfo');
    await rejectsWith(Sandbox.kill(sandbox.sandboxId, { apiKey: BAD_KEY }), AuthenticationError, 'kill');
  });
  const otherKey = process.env.WRENN_E2B_OTHER_API_KEY;
  if (otherKey) {
    await run.step("another team's key does not see the sandbox", async () => {
      const opts = { apiKey: otherKey };
      await rejectsWith(Sandbox.getInfo(sandbox.sandboxId, opts), SandboxNotFoundError, 'getInfo');
      await rejectsWith(Sandbox.connect(sandbox.sandboxId, opts), SandboxNotFoundError, 'connect');
      assert.equal(await Sandbox.kill(sandbox.sandboxId, opts), false, 'kill finds nothing');
      const page = await Sandbox.list(opts).nextItems();
      assert.ok(!page.some((s) => s.sandboxId === sandbox.sandboxId));
      assert.equal(await sandbox.isRunning(), true, 'still running for its own team');
    });
  }

  await run.step('sandbox.kill(): isRunning() false, calls fail with the SDK types, gone from lists', async () => {
    assert.equal(await sandbox.isRunning(), true);
    assert.equal(await sandbox.kill(), true);
    assert.equal(await sandbox.isRunning(), false);
    await rejectsWith(sandbox.commands.run('true'), SandboxNotFoundError, 'commands.run');
    await rejectsWith(sandbox.files.read('/etc/hostname'), TimeoutError, 'files.read (502: the SDK reports a timeout)');
    await rejectsWith(sandbox.files.list('/'), TimeoutError, 'files.list');
    await rejectsWith(sandbox.getInfo(), SandboxNotFoundError, 'getInfo');
    await rejectsWith(sandbox.setTimeout(60_000), SandboxNotFoundError, 'setTimeout');
    await rejectsWith(Sandbox.connect(sandbox.sandboxId), SandboxNotFoundError, 'connect');
    assert.equal(await sandbox.kill(), false, 'a second kill finds nothing');
    const listed = await Sandbox.list({ query: { metadata } }).nextItems();
    assert.deepEqual(listed.map((s) => s.sandboxId), []);
  });
});
