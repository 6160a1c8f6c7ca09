// The E2B benchmark's measurements (bench/run.sh e2b starts the server and runs this): the published SDK's
// Sandbox.create() to its first commands.run('true') result through the sandbox proxy, beside the same flow
// through /v1 (create + exec of the command line the SDK runs, bash -l -c), run by run in turn; then output
// streamed through commands.run's onStdout through the proxy beside straight to the guest agent (the sandbox's
// slot address, as the host agent reaches it).
// Prints Markdown tables on stdout (progress on stderr); exits non-zero, with no table, if anything fails.
// Usage: node bench.mjs [runs=5] [stream-mb=16]; env E2B_API_URL, E2B_SANDBOX_URL, E2B_API_KEY.
import { Sandbox } from 'e2b';
import { env } from './lib/harness.mjs';

const apiUrl = env('E2B_API_URL');
env('E2B_SANDBOX_URL');
const apiKey = env('E2B_API_KEY');
const runs = positive(process.argv[2], 5, 'runs');
const streamMb = positive(process.argv[3], 16, 'stream-mb');
const WARM_CALLS = 10;
// commands.run(cmd) starts `/bin/bash -l -c cmd` (a login shell reads /etc/profile: ~0.5 s under TCG), so /v1 runs
// the same command line and the ratio is the path's alone.
const SAME_AS_SDK = { cmd: '/bin/bash', args: ['-l', '-c', 'true'] };

function positive(arg, def, name) {
  if (arg === undefined) return def;
  const v = Number(arg);
  if (!Number.isInteger(v) || v < 1) {
    console.error(`${name} must be a whole number >= 1, got ${arg}\nusage: node bench.mjs [runs=5] [stream-mb=16]`);
    process.exit(2);
  }
  return v;
}

class Stats {
  constructor(name, unit) {
    this.name = name;
    this.unit = unit;
    this.samples = [];
  }

  add(v) {
    this.samples.push(v);
  }

  /** Nearest rank, as bench/Stats.java; a figure never measured fails the benchmark instead of printing NaN. */
  percentile(p) {
    if (!this.samples.length) throw new Error(`no samples of '${this.name}'`);
    const s = [...this.samples].sort((a, b) => a - b);
    return s[Math.max(0, Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1))];
  }
}

async function v1(method, path, body, status) {
  const res = await fetch(new URL(path, apiUrl), {
    method,
    headers: { 'X-API-Key': apiKey, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const now = () => process.hrtime.bigint();

/** Create → first result through the SDK and the proxy; then warm calls; the sandbox is returned, running. */
async function viaSdk(create, warm) {
  const t0 = now();
  const s = await Sandbox.create({ metadata: { bench: 'e2b' } });
  const r = await s.commands.run('true');
  create.add(ms(t0));
  if (r.exitCode !== 0) throw new Error(`true exited ${r.exitCode}`);
  for (let i = 0; i < WARM_CALLS; i++) {
    const t = now();
    await s.commands.run('true');
    warm.add(ms(t));
  }
  return s;
}

async function viaV1(create, warm) {
  const t0 = now();
  const { id } = await v1('POST', '/v1/sandboxes', {}, 201);
  const r = await v1('POST', `/v1/sandboxes/${id}/exec`, SAME_AS_SDK, 200);
  create.add(ms(t0));
  if (r.exit_code !== 0) throw new Error(`true exited ${r.exit_code}`);
  for (let i = 0; i < WARM_CALLS; i++) {
    const t = now();
    await v1('POST', `/v1/sandboxes/${id}/exec`, SAME_AS_SDK, 200);
    warm.add(ms(t));
  }
  await v1('DELETE', `/v1/sandboxes/${id}`, null, 204);
}

/**
 * The same sandbox straight at its guest agent: the slot address, one above the host side of the slot's veth
 * pair (docs/host-agent.md, "Network slots"), which /v1 reports as host_ip.
 */
async function direct(s) {
  const { host_ip: hostIp } = await v1('GET', `/v1/sandboxes/${s.sandboxId}`, null, 200);
  const parts = hostIp.split('.').map(Number);
  parts[3] += 1;
  return new Sandbox({
    sandboxId: s.sandboxId,
    envdVersion: s.envdApi.version,
    envdAccessToken: s.envdAccessToken,
    sandboxUrl: `http://${parts.join('.')}:49983`,
    apiKey,
  });
}

/** Streams base64 of streamMb MiB of zeros through onStdout; MB/s of output received. */
async function stream(s, stats) {
  let bytes = 0;
  const t0 = now();
  const r = await s.commands.run(`head -c ${streamMb}M /dev/zero | base64 -w 0`, {
    onStdout: (d) => {
      bytes += d.length;
    },
    timeoutMs: 0,
  });
  const seconds = ms(t0) / 1000;
  const expected = 4 * Math.ceil((streamMb * 1048576) / 3);
  if (r.exitCode !== 0 || bytes !== expected) throw new Error(`streamed ${bytes} of ${expected} bytes, exit ${r.exitCode}`);
  stats.add(bytes / 1048576 / seconds);
}

function side(title, left, right, rows) {
  console.log(`\n### ${title}\n`);
  console.log(`| figure | n | ${left} median | ${left} p99 | ${right} median | ${right} p99 | ${left} / ${right} (median) |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [a, b] of rows) {
    // For throughput the slow tail is the low end: the p99 columns then hold the 1st percentile.
    const tail = a.unit.endsWith('/s') ? 1 : 99;
    const f = (v) => v.toFixed(1);
    console.log(`| ${a.name} (${a.unit}) | ${a.samples.length} | ${f(a.percentile(50))} | ${f(a.percentile(tail))} | `
      + `${f(b.percentile(50))} | ${f(b.percentile(tail))} | ${(a.percentile(50) / b.percentile(50)).toFixed(2)} |`);
  }
}

const sdkCreate = new Stats('create → first command result', 'ms');
const v1Create = new Stats('create → first command result', 'ms');
const sdkWarm = new Stats('run `bash -l -c true`, warm', 'ms');
const v1Warm = new Stats('run `bash -l -c true`, warm', 'ms');
const proxied = new Stats(`${streamMb} MiB → base64 on stdout`, 'MB/s');
const straight = new Stats(`${streamMb} MiB → base64 on stdout`, 'MB/s');
const proxiedWarm = new Stats('run `bash -l -c true`, warm', 'ms');
const straightWarm = new Stats('run `bash -l -c true`, warm', 'ms');

try {
  for (let i = 0; i < runs; i++) {
    // /v1's sandbox is gone before the SDK's boots: on 2 TCG cores a second VM slows the first.
    await viaV1(v1Create, v1Warm);
    const s = await viaSdk(sdkCreate, sdkWarm);
    try {
      const d = await direct(s);
      for (const [box, warm] of [[s, proxiedWarm], [d, straightWarm]]) {
        for (let j = 0; j < WARM_CALLS; j++) {
          const t = now();
          await box.commands.run('true');
          warm.add(ms(t));
        }
      }
      await stream(s, proxied);
      await stream(d, straight);
    } finally {
      await s.kill();
    }
    console.error(`e2b bench: run ${i + 1}/${runs} done`);
  }
} catch (e) {
  console.error('e2b bench failed:', e);
  process.exit(1);
}
const info = `${runs} runs, ${WARM_CALLS} warm calls per run`;
side(`Sandbox.create() to the first commands.run result: the SDK through the proxy vs. /v1 create + exec (${info})`,
  'SDK', '/v1', [[sdkCreate, v1Create], [sdkWarm, v1Warm]]);
side(`The same SDK calls through the proxy vs. straight to the guest agent (${info})`,
  'proxy', 'direct', [[proxiedWarm, straightWarm], [proxied, straight]]);
console.log('\n(p99 by nearest rank, so with few samples it is the worst one; for MB/s rows it is the slow tail, the 1st'
  + ' percentile of throughput)');
process.exit(0);
