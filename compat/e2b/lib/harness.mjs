// The scenario runner shared by the scripts: named steps that report one by one, bounded polls, error-type
// checks, and clean-up of every sandbox a script made, whatever happened. A script exits 0 only when every
// step passed; its last line is "N passed, N failed".
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

/** A required environment variable; without it the script stops at once, naming it. */
export function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set: the scripts need E2B_API_URL, E2B_SANDBOX_URL (both the Wrenn server's`
      + ' base URL, http://127.0.0.1:PORT) and E2B_API_KEY; see compat/e2b/README.md');
    process.exit(2);
  }
  return value;
}

/** Marks this run's sandboxes (metadata), so that lists can be filtered to them. */
export const runId = process.env.WRENN_E2B_RUN || randomBytes(6).toString('hex');

class Abort extends Error {}

const STEP_LIMIT_MS = Number(process.env.WRENN_E2B_STEP_LIMIT_MS || 180_000);

export class Run {
  constructor(name) {
    this.name = name;
    this.passed = [];
    this.failed = [];
    this.cleanups = [];
  }

  /** Runs one scenario; a failure is reported and the run goes on with the next step. */
  async step(title, fn) {
    const t0 = Date.now();
    let timer;
    try {
      const limit = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not finish within ${STEP_LIMIT_MS} ms`)), STEP_LIMIT_MS);
      });
      const value = await Promise.race([fn(), limit]);
      this.passed.push(title);
      console.log(`ok   ${title} (${Date.now() - t0} ms)`);
      return { ok: true, value };
    } catch (e) {
      this.failed.push(title);
      console.log(`FAIL ${title} (${Date.now() - t0} ms)\n${indent(describe(e))}`);
      return { ok: false, error: e };
    } finally {
      clearTimeout(timer);
    }
  }

  /** A step the rest depends on: its failure ends the run (after clean-up). */
  async must(title, fn) {
    const r = await this.step(title, fn);
    if (!r.ok) throw new Abort(title);
    return r.value;
  }

  /** Registers clean-up (killing a sandbox), run last to first when the script ends. */
  defer(what, fn) {
    this.cleanups.push({ what, fn });
  }

  async finish() {
    for (const { what, fn } of this.cleanups.reverse()) {
      try {
        await fn();
      } catch (e) {
        console.log(`warn clean-up '${what}' failed: ${describe(e)}`);
      }
    }
    if (this.failed.length) console.log(`${this.name}: failed steps:\n${this.failed.map((t) => `  - ${t}`).join('\n')}`);
    console.log(`${this.passed.length} passed, ${this.failed.length} failed`);
    return this.failed.length === 0 ? 0 : 1;
  }
}

/** Runs a script's scenarios and exits with its verdict. */
export async function main(name, scenarios) {
  const run = new Run(name);
  console.log(`== ${name} (run ${runId}, node ${process.version})`);
  try {
    await scenarios(run);
  } catch (e) {
    if (!(e instanceof Abort)) {
      run.failed.push(`unexpected error: ${e?.message}`);
      console.log(`FAIL unexpected error\n${indent(describe(e))}`);
    } else {
      console.log(`stopping: '${e.message}' failed and the remaining steps depend on it`);
    }
  }
  process.exit(await run.finish());
}

/**
 * Calls fn until it returns a value other than undefined/false, every everyMs, at most timeoutMs; errors
 * thrown meanwhile count as "not yet" and the last one is reported if time runs out.
 */
export async function poll(what, fn, { timeoutMs = 60_000, everyMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `; last error: ${describe(last)}` : ''}`);
    }
    await sleep(everyMs);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Awaits a promise that must reject with an instance of type; returns the error. */
export async function rejectsWith(promise, type, what) {
  let value;
  try {
    value = await promise;
  } catch (e) {
    assert.ok(e instanceof type, `${what}: expected ${type.name}, got ${e?.constructor?.name}: ${e?.message}`);
    return e;
  }
  assert.fail(`${what}: expected ${type.name}, but it succeeded with ${inspectShort(value)}`);
}

export function describe(e) {
  if (!(e instanceof Error)) return String(e);
  const name = e.constructor?.name ?? e.name;
  const frames = (e.stack ?? '').split('\n').filter((l) => l.trimStart().startsWith('at ')).slice(0, 5);
  return `${name}: ${e.message}${frames.length ? `\n${frames.join('\n')}` : ''}`;
}

function inspectShort(v) {
  try {
    const s = JSON.stringify(v);
    return s && s.length > 200 ? `${s.slice(0, 200)}...` : s;
  } catch {
    return String(v);
  }
}

function indent(s) {
  return s.split('\n').map((l) => `     ${l}`).join('\n');
}

/** Compares dotted versions (1.2.3). */
export function versionAtLeast(version, wanted) {
  const a = String(version).split('.').map(Number);
  const b = wanted.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
  }
  return true;
}
