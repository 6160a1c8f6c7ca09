// The older SDK (e2b 2.50.0, installed as e2b-250): its create is POST /sandboxes (with secure and
// allow_internet_access sent explicitly, a default timeout of 300 s) and its connect POST /sandboxes/{id}/connect.
// The sandbox also has lifecycle.autoResume: guest traffic to it while paused resumes it. Run as sandbox.mjs.
import assert from 'node:assert/strict';
import { CommandExitError, FileNotFoundError, Sandbox } from 'e2b-250';
import { env, main, rejectsWith, runId } from './lib/harness.mjs';

env('E2B_API_URL');
env('E2B_SANDBOX_URL');
env('E2B_API_KEY');

await main('legacy (e2b 2.50.0)', async (run) => {
  const sandbox = await run.must('Sandbox.create() through POST /sandboxes', async () => {
    const s = await Sandbox.create({
      metadata: { suite: 'legacy', run: runId },
      envs: { LEGACY: 'yes' },
      lifecycle: { onTimeout: 'pause', autoResume: true },
    });
    assert.ok(s.envdAccessToken, 'secure: true gives an access token');
    const info = await s.getInfo();
    assert.deepEqual(info.lifecycle, { onTimeout: 'pause', autoResume: true });
    const ttl = (info.endAt - info.startedAt) / 1000;
    assert.ok(Math.abs(ttl - 300) <= 5, `the 2.50 default timeout is 300 s, got ${ttl} s`);
    return s;
  });
  run.defer(`kill ${sandbox.sandboxId}`, () => Sandbox.kill(sandbox.sandboxId));

  await run.step('commands: default user, envs, exit codes', async () => {
    assert.equal((await sandbox.commands.run('id -un; echo $LEGACY')).stdout, 'user\nyes\n');
    const e = await rejectsWith(sandbox.commands.run('exit 7'), CommandExitError, 'exit 7');
    assert.equal(e.exitCode, 7);
    const h = await sandbox.commands.run('cat', { background: true, stdin: true });
    await sandbox.commands.sendStdin(h.pid, 'old sdk stdin');
    await sandbox.commands.closeStdin(h.pid);
    assert.equal((await h.wait()).stdout, 'old sdk stdin');
  });
  await run.step('files: write, read, missing', async () => {
    await sandbox.files.write('legacy.txt', 'from 2.50');
    assert.equal(await sandbox.files.read('/home/user/legacy.txt'), 'from 2.50');
    await rejectsWith(sandbox.files.read('/home/user/absent'), FileNotFoundError, 'read of a missing file');
  });
  await run.step('Sandbox.connect through POST /sandboxes/{id}/connect (running)', async () => {
    const again = await Sandbox.connect(sandbox.sandboxId);
    assert.equal((await again.commands.run('cat legacy.txt')).stdout, 'from 2.50');
  });
  await run.step('pause, then Sandbox.connect resumes through /sandboxes/{id}/connect', async () => {
    assert.equal(await sandbox.pause(), true);
    assert.equal((await sandbox.getInfo()).state, 'paused');
    const resumed = await Sandbox.connect(sandbox.sandboxId);
    assert.equal((await resumed.getInfo()).state, 'running');
    assert.equal((await resumed.commands.run('cat legacy.txt')).stdout, 'from 2.50');
  });
  await run.step('autoResume: a command sent to the paused sandbox resumes it', async () => {
    assert.equal(await sandbox.pause(), true);
    assert.equal((await sandbox.getInfo()).state, 'paused');
    assert.equal((await sandbox.commands.run('cat legacy.txt')).stdout, 'from 2.50');
    assert.equal((await sandbox.getInfo()).state, 'running');
  });
  await run.step('kill', async () => {
    assert.equal(await sandbox.kill(), true);
    assert.equal(await sandbox.isRunning(), false);
  });
});
