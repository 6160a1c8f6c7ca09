// commands.* and pty.* of one running sandbox, as users' code calls them.
import assert from 'node:assert/strict';
import { CommandExitError } from 'e2b';
import { poll, rejectsWith } from './harness.mjs';

const enc = (s) => new TextEncoder().encode(s);

/** E2B's base template: who and where a command runs by default, and the tools users' code expects. */
export async function conventionScenarios(run, sandbox) {
  await run.step('commands run as user in /home/user with umask 022 by default', async () => {
    const r = await sandbox.commands.run('id -un; pwd; echo "$HOME"; umask');
    assert.equal(r.stdout, 'user\n/home/user\n/home/user\n0022\n');
    assert.equal(r.exitCode, 0);
    const made = await sandbox.commands.run('cd /tmp && rm -rf m && mkdir m && touch m/f && stat -c %a m m/f');
    assert.equal(made.stdout, '755\n644\n');
  });
  await run.step('python, python3, git, sudo and curl are on the PATH', async () => {
    const r = await sandbox.commands.run('for t in python python3 git sudo curl; do command -v $t; done');
    assert.equal(r.stdout.trim().split('\n').length, 5, r.stdout);
    const py = await sandbox.commands.run('python -c "import sys; print(sys.version_info[0])"');
    assert.equal(py.stdout, '3\n');
  });
  await run.step('user has passwordless sudo', async () => {
    const r = await sandbox.commands.run('sudo -n true && sudo -n id -un');
    assert.equal(r.stdout, 'root\n');
  });
}

export async function commandScenarios(run, sandbox) {
  await run.step('commands.run: envs given at create and per command', async () => {
    const r = await sandbox.commands.run('echo "$WRENN_FROM_CREATE $ONLY_HERE"', { envs: { ONLY_HERE: 'per-command' } });
    assert.equal(r.stdout, 'created-with-envs per-command\n');
  });
  await run.step('commands.run: cwd', async () => {
    assert.equal((await sandbox.commands.run('pwd', { cwd: '/tmp' })).stdout, '/tmp\n');
  });
  await run.step("commands.run: user 'root' (its own HOME, the sandbox's workdir /home/user, as E2B's base)", async () => {
    const r = await sandbox.commands.run('id -un; echo "$HOME"; pwd', { user: 'root' });
    assert.equal(r.stdout, 'root\n/root\n/home/user\n');
  });
  await run.step('commands.run: onStdout and onStderr callbacks', async () => {
    const out = [];
    const err = [];
    const r = await sandbox.commands.run('echo out-1; echo err-1 >&2; echo out-2', {
      onStdout: (d) => out.push(d),
      onStderr: (d) => err.push(d),
    });
    assert.equal(out.join(''), 'out-1\nout-2\n');
    assert.equal(err.join(''), 'err-1\n');
    assert.equal(r.stdout, 'out-1\nout-2\n');
    assert.equal(r.stderr, 'err-1\n');
  });
  await run.step('commands.run: a non-zero exit is CommandExitError', async () => {
    const e = await rejectsWith(sandbox.commands.run('echo bad >&2; exit 3'), CommandExitError, 'exit 3');
    assert.equal(e.exitCode, 3);
    assert.equal(e.stderr, 'bad\n');
  });
  await run.step('commands.run: stdin with sendStdin and closeStdin', async () => {
    const h = await sandbox.commands.run('cat; echo done', { background: true, stdin: true });
    await sandbox.commands.sendStdin(h.pid, 'hello stdin\n');
    await h.sendStdin(enc('second\n'));
    await sandbox.commands.closeStdin(h.pid);
    const r = await h.wait();
    assert.equal(r.stdout, 'hello stdin\nsecond\ndone\n');
  });
  await run.step('commands.run without stdin: the process reads EOF', async () => {
    assert.equal((await sandbox.commands.run('cat; echo eof')).stdout, 'eof\n');
  });
  await run.step('background command: commands.list, connect, kill', async () => {
    const cmd = 'echo started; sleep 600';
    const h = await sandbox.commands.run(cmd, { background: true });
    assert.ok(Number.isInteger(h.pid) && h.pid > 0, `pid ${h.pid}`);
    const listed = (await sandbox.commands.list()).find((p) => p.pid === h.pid);
    assert.ok(listed, `pid ${h.pid} not in commands.list()`);
    assert.equal(listed.cmd, '/bin/bash');
    assert.deepEqual(listed.args, ['-l', '-c', cmd]);
    await poll('its first output', () => h.stdout === 'started\n', { everyMs: 100 });
    const attached = await sandbox.commands.connect(h.pid);
    assert.equal(attached.pid, h.pid);
    assert.equal(await sandbox.commands.kill(h.pid), true);
    const ended = await rejectsWith(attached.wait(), CommandExitError, 'the killed command (connected handle)');
    assert.notEqual(ended.exitCode, 0);
    await rejectsWith(h.wait(), CommandExitError, 'the killed command (starting handle)');
    await poll('the killed command to leave commands.list()', async () =>
      !(await sandbox.commands.list()).some((p) => p.pid === h.pid));
    assert.equal(await sandbox.commands.kill(h.pid), false, 'a second kill finds nothing');
  });
  await run.step('commands.connect receives the output of a running command', async () => {
    const h = await sandbox.commands.run('for i in 1 2 3 4; do echo tick-$i; sleep 1; done', { background: true });
    const seen = [];
    const attached = await sandbox.commands.connect(h.pid, { onStdout: (d) => seen.push(d) });
    const r = await attached.wait();
    assert.equal(r.exitCode, 0);
    assert.match(seen.join(''), /tick-4\n$/);
    assert.equal((await h.wait()).stdout, 'tick-1\ntick-2\ntick-3\ntick-4\n');
  });
}

export async function ptyScenarios(run, sandbox) {
  await run.step('pty: create, sendInput, output, resize, kill', async () => {
    const decoder = new TextDecoder();
    let screen = '';
    const pty = await sandbox.pty.create({
      cols: 100,
      rows: 30,
      onData: (d) => {
        screen += decoder.decode(d, { stream: true });
      },
    });
    assert.ok(pty.pid > 0);
    // The answer, not the echo of the typed line, contains these strings.
    await sandbox.pty.sendInput(pty.pid, enc('echo pty-$((6*7)) $(id -un); stty size\n'));
    await poll('the terminal to show the command output', () => screen.includes('pty-42 user') && screen.includes('30 100'),
      { timeoutMs: 30_000, everyMs: 100 });
    await sandbox.pty.resize(pty.pid, { cols: 120, rows: 40 });
    await sandbox.pty.sendInput(pty.pid, enc('stty size\n'));
    await poll('the resized terminal', () => screen.includes('40 120'), { timeoutMs: 30_000, everyMs: 100 });
    assert.equal(await sandbox.pty.kill(pty.pid), true);
    await rejectsWith(pty.wait(), CommandExitError, 'the killed terminal');
    await poll('the terminal to leave commands.list()', async () =>
      !(await sandbox.commands.list()).some((p) => p.pid === pty.pid));
  });
}
