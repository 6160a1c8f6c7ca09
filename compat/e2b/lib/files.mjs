// files.* of one running sandbox, as users' code calls them, including the features the reported envdVersion
// switches on in the SDK (docs/e2b-envd-version.md): each is checked when the server claims it.
import assert from 'node:assert/strict';
import { FileNotFoundError, FilesystemEventType, NotFoundError } from 'e2b';
import { poll, rejectsWith, runId, versionAtLeast } from './harness.mjs';

export async function fileScenarios(run, sandbox) {
  const dir = `/home/user/sdk-files-${runId}`;
  const version = sandbox.envdApi.version;

  await run.step('files.makeDir: new, then existing', async () => {
    assert.equal(await sandbox.files.makeDir(`${dir}/sub`), true);
    assert.equal(await sandbox.files.makeDir(`${dir}/sub`), false);
  });
  await run.step('files.write and files.read: text', async () => {
    const info = await sandbox.files.write(`${dir}/hello.txt`, 'hello files\n');
    assert.equal(info.path, `${dir}/hello.txt`);
    assert.equal(info.name, 'hello.txt');
    assert.equal(await sandbox.files.read(`${dir}/hello.txt`), 'hello files\n');
  });
  await run.step('files.write and files.read: bytes', async () => {
    const bytes = Uint8Array.from({ length: 256 * 4 }, (_, i) => i % 256);
    await sandbox.files.write(`${dir}/bytes.bin`, bytes.buffer);
    assert.deepEqual(await sandbox.files.read(`${dir}/bytes.bin`, { format: 'bytes' }), bytes);
    const blob = await sandbox.files.read(`${dir}/bytes.bin`, { format: 'blob' });
    assert.equal(blob.size, bytes.length);
  });
  await run.step('files.write: a relative path lands in the home directory, owned by user', async () => {
    await sandbox.files.write(`sdk-relative-${runId}.txt`, 'relative');
    const info = await sandbox.files.getInfo(`/home/user/sdk-relative-${runId}.txt`);
    assert.equal(info.owner, 'user');
    await sandbox.files.remove(`sdk-relative-${runId}.txt`);
  });
  await run.step('files.write: several files at once', async () => {
    const infos = await sandbox.files.write([
      { path: `${dir}/multi/a.txt`, data: 'A' },
      { path: `${dir}/multi/b.txt`, data: 'B' },
    ]);
    assert.deepEqual(infos.map((i) => i.path).sort(), [`${dir}/multi/a.txt`, `${dir}/multi/b.txt`]);
    assert.equal(await sandbox.files.read(`${dir}/multi/b.txt`), 'B');
  });
  await run.step('files.list', async () => {
    const entries = await sandbox.files.list(dir);
    const summary = entries.map((e) => `${e.name}:${e.type}`).sort();
    assert.deepEqual(summary, ['bytes.bin:file', 'hello.txt:file', 'multi:dir', 'sub:dir']);
    const deep = await sandbox.files.list(dir, { depth: 2 });
    assert.ok(deep.some((e) => e.path === `${dir}/multi/a.txt`), 'depth 2 reaches multi/a.txt');
  });
  await run.step('files.exists and files.getInfo', async () => {
    assert.equal(await sandbox.files.exists(`${dir}/hello.txt`), true);
    assert.equal(await sandbox.files.exists(`${dir}/absent.txt`), false);
    const info = await sandbox.files.getInfo(`${dir}/hello.txt`);
    assert.equal(info.name, 'hello.txt');
    assert.equal(info.type, 'file');
    assert.equal(info.path, `${dir}/hello.txt`);
    assert.equal(info.size, 12);
    assert.equal(info.mode, 0o644);
    assert.equal(info.permissions, '-rw-r--r--');
    assert.equal(info.owner, 'user');
    assert.equal(info.group, 'user');
    assert.ok(info.modifiedTime instanceof Date && Math.abs(info.modifiedTime - Date.now()) < 3_600_000,
      `modifiedTime ${info.modifiedTime}`);
    assert.equal((await sandbox.files.getInfo(`${dir}/sub`)).type, 'dir');
  });
  await run.step('files.rename', async () => {
    const moved = await sandbox.files.rename(`${dir}/hello.txt`, `${dir}/renamed.txt`);
    assert.equal(moved.name, 'renamed.txt');
    assert.equal(moved.path, `${dir}/renamed.txt`);
    assert.equal(await sandbox.files.exists(`${dir}/hello.txt`), false);
    assert.equal(await sandbox.files.read(`${dir}/renamed.txt`), 'hello files\n');
  });
  await run.step('files.remove: a file and a directory tree', async () => {
    await sandbox.files.remove(`${dir}/renamed.txt`);
    assert.equal(await sandbox.files.exists(`${dir}/renamed.txt`), false);
    await sandbox.files.remove(`${dir}/multi`);
    assert.equal(await sandbox.files.exists(`${dir}/multi/a.txt`), false);
  });
  await run.step('files.watchDir: an event for a file written', async () => {
    const events = [];
    const watch = await sandbox.files.watchDir(dir, (e) => events.push(e));
    try {
      await sandbox.files.write(`${dir}/watched.txt`, 'w');
      await poll('a create or write event for watched.txt', () =>
        events.some((e) => e.name === 'watched.txt'
          && (e.type === FilesystemEventType.CREATE || e.type === FilesystemEventType.WRITE)), { everyMs: 100 });
    } finally {
      await watch.stop();
    }
  });
  await run.step('files.watchDir recursive (envd 0.1.4): events below subdirectories', async () => {
    const events = [];
    const watch = await sandbox.files.watchDir(dir, (e) => events.push(e), { recursive: true });
    try {
      await sandbox.commands.run(`echo deep > ${dir}/sub/deep.txt`);
      await poll('an event for sub/deep.txt', () => events.some((e) => e.name === 'sub/deep.txt'), { everyMs: 100 });
    } finally {
      await watch.stop();
    }
  });
  await run.step('missing files are FileNotFoundError (a NotFoundError)', async () => {
    const e = await rejectsWith(sandbox.files.read(`${dir}/nope.txt`), FileNotFoundError, 'read');
    assert.ok(e instanceof NotFoundError);
    await rejectsWith(sandbox.files.getInfo(`${dir}/nope.txt`), FileNotFoundError, 'getInfo');
    await rejectsWith(sandbox.files.list(`${dir}/nope`), FileNotFoundError, 'list');
    await rejectsWith(sandbox.files.rename(`${dir}/nope.txt`, `${dir}/x.txt`), FileNotFoundError, 'rename');
    await rejectsWith(sandbox.files.watchDir(`${dir}/nope`, () => {}), FileNotFoundError, 'watchDir');
  });
  await run.step('files as root: user "root" reads and writes /root', async () => {
    await sandbox.files.write('/root/sdk-root.txt', 'root only', { user: 'root' });
    assert.equal((await sandbox.files.getInfo('/root/sdk-root.txt', { user: 'root' })).owner, 'root');
    assert.equal(await sandbox.files.read('/root/sdk-root.txt', { user: 'root' }), 'root only');
  });

  // The features below the SDK uses only when the server's envdVersion says the guest has them.
  if (versionAtLeast(version, '0.5.7')) {
    await run.step(`files.write as application/octet-stream (envd 0.5.7, reported ${version})`, async () => {
      await sandbox.files.write(`${dir}/octet.txt`, 'raw body', { useOctetStream: true });
      assert.equal(await sandbox.files.read(`${dir}/octet.txt`), 'raw body');
      const stream = new Blob(['streamed ', 'body']).stream();
      await sandbox.files.write(`${dir}/stream.txt`, stream);
      assert.equal(await sandbox.files.read(`${dir}/stream.txt`), 'streamed body');
    });
    await run.step(`files.write with gzip: true (envd 0.5.7 sends Content-Encoding: gzip, reported ${version})`,
      async () => {
        await sandbox.files.write(`${dir}/gzip.txt`, 'compressed on the wire', { gzip: true });
        assert.equal(await sandbox.files.read(`${dir}/gzip.txt`, { gzip: true }), 'compressed on the wire');
      });
  }
  if (versionAtLeast(version, '0.6.2')) {
    await run.step(`files.write with metadata (envd 0.6.2, reported ${version})`, async () => {
      await sandbox.files.write(`${dir}/meta.txt`, 'm', { metadata: { owner: 'sdk-it' } });
      assert.deepEqual((await sandbox.files.getInfo(`${dir}/meta.txt`)).metadata, { owner: 'sdk-it' });
    });
  }
  if (versionAtLeast(version, '0.6.3')) {
    await run.step(`files.watchDir includeEntry (envd 0.6.3, reported ${version})`, async () => {
      const events = [];
      const watch = await sandbox.files.watchDir(dir, (e) => events.push(e), { includeEntry: true });
      try {
        await sandbox.files.write(`${dir}/entry.txt`, 'with entry');
        const e = await poll('an event with its entry', () =>
          events.find((x) => x.name === 'entry.txt' && x.entry), { everyMs: 100 });
        assert.equal(e.entry.path, `${dir}/entry.txt`);
      } finally {
        await watch.stop();
      }
    });
  }
}
