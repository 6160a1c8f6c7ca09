// Two sandboxes through the published SDK: one of a named (snapshot) template that pauses when its time is
// up, one of the default template that is killed when its time is up. Lists with metadata and state filters
// in pages of one, setTimeout, expiry both ways, pause, and connect resuming with files and processes intact.
// Run as sandbox.mjs, with WRENN_E2B_TEMPLATE naming a snapshot template made beforehand (through /v1) whose
// /etc/wrenn-template-mark holds its name.
import assert from 'node:assert/strict';
import { Sandbox, SandboxNotFoundError } from 'e2b';
import { env, main, poll, rejectsWith, runId } from './lib/harness.mjs';

env('E2B_API_URL');
env('E2B_SANDBOX_URL');
env('E2B_API_KEY');
const template = env('WRENN_E2B_TEMPLATE');
const EXPIRY_WAIT_MS = 180_000;

/** Every sandbox of this run, in list order, paging with limit 1 until hasNext is false. */
async function listAll(query) {
  const pager = Sandbox.list({ query: { ...query, metadata: { ...query.metadata, run: runId } }, limit: 1 });
  const ids = [];
  let pages = 0;
  while (pager.hasNext) {
    const page = await pager.nextItems();
    assert.ok(page.length <= 1, `a page of limit 1 held ${page.length}`);
    ids.push(...page.map((s) => s.sandboxId));
    if (++pages > 50) assert.fail('more than 50 pages of one');
  }
  return { ids, pages };
}

async function state(id) {
  return (await Sandbox.getInfo(id)).state;
}

await main('lifecycle', async (run) => {
  const pausing = await run.must(`Sandbox.create('${template}'): a named template, onTimeout 'pause'`, async () => {
    const s = await Sandbox.create(template, {
      metadata: { suite: 'lifecycle', run: runId, role: 'pausing' },
      timeoutMs: 600_000,
      lifecycle: { onTimeout: 'pause' },
    });
    assert.equal((await s.commands.run('cat /etc/wrenn-template-mark', { user: 'root' })).stdout.trim(), template);
    assert.equal((await s.commands.run('id -un')).stdout, 'user\n', 'the E2B default user in a clone too');
    const info = await s.getInfo();
    assert.ok(info.templateId === template || info.name === template, `templateId ${info.templateId}, name ${info.name}`);
    assert.equal(info.lifecycle?.onTimeout, 'pause');
    return s;
  });
  run.defer(`kill ${pausing.sandboxId}`, () => Sandbox.kill(pausing.sandboxId));
  const expiring = await run.must("Sandbox.create({timeoutMs: 15 s}): onTimeout 'kill' (the default)", async () => {
    const s = await Sandbox.create({ metadata: { suite: 'lifecycle', run: runId, role: 'expiring' }, timeoutMs: 15_000 });
    const info = await s.getInfo();
    const ttl = (info.endAt - info.startedAt) / 1000;
    assert.ok(Math.abs(ttl - 15) <= 2, `endAt - startedAt = ${ttl} s`);
    return s;
  });
  run.defer(`kill ${expiring.sandboxId}`, () => Sandbox.kill(expiring.sandboxId));

  await run.step('Sandbox.list: metadata, template and state filters, pages of one, newest first', async () => {
    const all = await listAll({ metadata: {} });
    assert.deepEqual(all.ids, [expiring.sandboxId, pausing.sandboxId]);
    assert.ok(all.pages >= 2, `${all.pages} pages`);
    const one = await listAll({ metadata: { role: 'pausing' } });
    assert.deepEqual(one.ids, [pausing.sandboxId]);
    const none = await listAll({ metadata: { role: 'nobody' } });
    assert.deepEqual(none.ids, []);
    assert.deepEqual((await listAll({ metadata: {}, template })).ids, [pausing.sandboxId], 'template filter');
    const running = await listAll({ metadata: {}, state: ['running'] });
    assert.equal(running.ids.length, 2);
    const first = (await Sandbox.list({ query: { metadata: { run: runId } } }).nextItems())
      .find((s) => s.sandboxId === pausing.sandboxId);
    assert.equal(first.state, 'running');
    assert.deepEqual(first.metadata, { suite: 'lifecycle', run: runId, role: 'pausing' });
  });

  await run.step('expiry with onTimeout kill: the sandbox is gone when its time is up', async () => {
    await poll('the expired sandbox to be gone', async () => {
      try {
        await Sandbox.getInfo(expiring.sandboxId);
        return false;
      } catch (e) {
        if (e instanceof SandboxNotFoundError) return true;
        throw e;
      }
    }, { timeoutMs: EXPIRY_WAIT_MS, everyMs: 1_000 });
    assert.equal(await expiring.isRunning(), false);
    assert.equal(await Sandbox.kill(expiring.sandboxId), false);
    assert.deepEqual((await listAll({ metadata: {} })).ids, [pausing.sandboxId]);
  });

  let bgPid;
  await run.step('setTimeout extends the end; expiry with onTimeout pause pauses', async () => {
    await pausing.files.write('/home/user/survivor.txt', 'written before the pause');
    bgPid = (await pausing.commands.run('sleep 3600', { background: true })).pid;
    await pausing.setTimeout(1_200_000);
    const info = await pausing.getInfo();
    const left = (info.endAt - Date.now()) / 1000;
    assert.ok(left > 1_100 && left <= 1_205, `after setTimeout(1200 s), ${left} s left`);
    await pausing.setTimeout(5_000);
    await poll('the sandbox to be paused at its timeout', async () => (await state(pausing.sandboxId)) === 'paused',
      { timeoutMs: EXPIRY_WAIT_MS, everyMs: 1_000 });
    assert.equal(await pausing.isRunning(), false, 'a paused sandbox answers guest traffic with 502');
    assert.deepEqual((await listAll({ metadata: {}, state: ['paused'] })).ids, [pausing.sandboxId]);
    assert.deepEqual((await listAll({ metadata: {}, state: ['running'] })).ids, []);
  });

  await run.step('Sandbox.connect resumes the paused sandbox: its file and process survive', async () => {
    const resumed = await Sandbox.connect(pausing.sandboxId, { timeoutMs: 600_000 });
    assert.equal(await state(pausing.sandboxId), 'running');
    assert.equal(await resumed.files.read('/home/user/survivor.txt'), 'written before the pause');
    assert.ok((await resumed.commands.list()).some((p) => p.pid === bgPid), `pid ${bgPid} survived`);
    assert.equal((await resumed.commands.run('echo resumed')).stdout, 'resumed\n');
    assert.equal(await pausing.isRunning(), true, 'the first object works again too');
  });

  await run.step('sandbox.pause(), twice, then Sandbox.connect', async () => {
    await pausing.files.write('/home/user/second.txt', 'second pause');
    assert.equal(await pausing.pause(), true);
    assert.equal(await pausing.pause(), false, 'already paused');
    assert.equal(await state(pausing.sandboxId), 'paused');
    const resumed = await Sandbox.connect(pausing.sandboxId);
    assert.equal(await resumed.files.read('/home/user/second.txt'), 'second pause');
    assert.ok((await resumed.commands.list()).some((p) => p.pid === bgPid), `pid ${bgPid} survived`);
    const again = await Sandbox.connect(pausing.sandboxId);
    assert.equal((await again.commands.run('echo still running')).stdout, 'still running\n');
  });

  await run.step('kill: the sandbox disappears from lists at once', async () => {
    assert.equal(await pausing.kill(), true);
    assert.deepEqual((await listAll({ metadata: {} })).ids, []);
    await rejectsWith(Sandbox.connect(pausing.sandboxId), SandboxNotFoundError, 'connect after kill');
  });
});
