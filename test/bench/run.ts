// `npm run bench [-- --pg] [-- --duration 10] [-- --slices 5] [-- --warm-up 1] [-- --only sign-in,refresh] [-- --seed-accounts N] [-- --memory N] [-- --memory-limit MB] [-- --steps N] [-- --cpu-prof DIR] [-- --against DIR] [-- --node-args='...'] [-- --log DIR] [-- --perf] [-- --perf-functions PACKAGE] [-- --perf-rows N] [-- --perf-diff A,B] [-- --durable-redis reference]`
// Passerelle (embedded SQLite, or PostgreSQL + Redis with --pg) and two baselines under the same
// load: a bare oidc-provider in memory (`baseline`, the issue's reference) and the same bare
// oidc-provider on Passerelle's storage (`durable`: its adapters on the same backend, the account
// in the database, its refresh-token rotation; baseline-provider.ts), both on Node's defaults and
// compiled as Passerelle is.
// Passerelle against `durable` is what Passerelle adds (its code, net of its runtime settings);
// `durable` against `baseline` is what durable, shared storage costs the library itself.
// 16 concurrent clients per scenario, the servers taking turns in short slices so that a shared
// host's drift weighs on all alike. CPU time is read from /proc for each server's threads (plus
// PostgreSQL's and Redis's processes with --pg, for the servers that use them), so the figures are
// per CPU-second, the number that holds on a shared machine, split between the event loop, the
// libuv pool (argon2 for sign-ins, RSA signatures), other threads (V8's GC) and the storage's
// processes. Each of Passerelle's rows ends with the issue's target for it and whether this run
// meets it (targets.ts). A benchmark, never a test: it prints, it does not assert.
// `--against DIR` puts another build of Passerelle (a checkout, built, with its node_modules) in
// the baselines' place, to measure a change under the same interleaving; `--node-args` passes
// options to Passerelle's node; `--log DIR` writes each server's output to DIR/<server>.log (a
// trace that `--node-args` turned on; Passerelle logs at `warn`, or at the LOG_LEVEL the bench is
// given: `info` shows its memory releases, and costs CPU per API request); `--perf` samples every
// server's event loop with Linux perf and prints where each spends its CPU per operation, by
// package (cpu-attribution.ts), and `--perf-functions <package>` (implies `--perf`) by function
// within that package; `--perf-rows N` prints N rows, and `--perf-diff A,B` ranks them by server
// A's difference to server B (by default Passerelle's to the last server, `durable`;
// `durable,baseline` shows what the storage costs).
// `--memory-limit MB` runs Passerelle in a memory cgroup with that limit (memory-limit.ts).
// `--durable-redis reference` (with --pg) gives `durable` the library's example Redis adapter
// instead of Passerelle's (reference-redis-adapter.ts), to measure the one against the other.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createAccount } from '../../src/accounts/account.repository.js';
import { createPasswordHasher } from '../../src/accounts/password-hasher.js';
import { postgresSchemaOf } from '../../src/storage/database-url.js';
import { applyMigrations } from '../../src/storage/migrations.js';
import { createDatabase, prepareDatabase, type Database } from '../../src/storage/prisma.js';
import { Browser, hiddenInputsOf } from '../support/browser.js';
import { freePort } from '../support/test-server.js';
import { dropSharedStorage, TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/backends.js';
import { createMemoryLimit } from './memory-limit.js';
import { microsPerOp, PERF_NODE_FLAG, printAttribution, recordCpu, samplesByCategory } from './cpu-attribution.js';
import { memoryVerdictOf, verdictCell, verdictOf, type Verdict } from './targets.js';

const { values } = parseArgs({ options: {
  pg: { type: 'boolean' }, duration: { type: 'string', default: '10' }, slices: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '16' }, 'warm-up': { type: 'string', default: '1' },
  'seed-accounts': { type: 'string' }, memory: { type: 'string' }, 'memory-limit': { type: 'string' }, only: { type: 'string' }, 'cpu-prof': { type: 'string' },
  steps: { type: 'string' }, against: { type: 'string' }, 'node-args': { type: 'string' }, log: { type: 'string' }, perf: { type: 'boolean' }, 'perf-functions': { type: 'string' },
  'perf-rows': { type: 'string' }, 'perf-diff': { type: 'string' }, 'durable-redis': { type: 'string', default: 'passerelle' },
} });
/** `--perf`, or `--perf-functions`, `--perf-rows` or `--perf-diff`, which imply it. */
const PERF = Boolean(values.perf || values['perf-functions'] || values['perf-rows'] || values['perf-diff']);
/** The servers a run starts, in the order they are printed. */
const SERVER_NAMES = values.against ? ['passerelle', 'against'] : ['passerelle', 'baseline', 'durable'];
const [perfA, perfB] = values['perf-diff']?.split(',') ?? [];
if (values['perf-diff'] && !(SERVER_NAMES.includes(perfA!) && SERVER_NAMES.includes(perfB!) && perfA !== perfB)) {
  throw new Error(`--perf-diff wants two of ${SERVER_NAMES.join(', ')}, like durable,baseline`);
}
if (values['perf-rows'] && !(Number(values['perf-rows']) >= 1)) throw new Error('--perf-rows wants a number of rows, like 60');
/** `durable`'s Redis adapter with --pg: Passerelle's, or the library's example (reference-redis-adapter.ts). */
const DURABLE_REDIS = values['durable-redis'];
if (!['passerelle', 'reference'].includes(DURABLE_REDIS) || (DURABLE_REDIS === 'reference' && !values.pg)) {
  throw new Error('--durable-redis wants passerelle or reference, and --pg');
}
/** What `durable` runs on, as the report's header says it. */
const DURABLE_STORAGE = DURABLE_REDIS === 'reference' ? 'Passerelle\'s database with the library\'s example Redis adapter' : 'Passerelle\'s storage';
/** `--perf-diff`'s two servers, by their place in `names` (undefined: printAttribution's default). */
const perfDiff = (names: string[]): [number, number] | undefined =>
  values['perf-diff'] ? [names.indexOf(perfA!), names.indexOf(perfB!)] : undefined;
const wanted = (scenario: string) => !values.only || values.only.split(',').includes(scenario);
const DURATION_MS = Number(values.duration) * 1000;
const CONCURRENCY = Number(values.concurrency);
const SLICES = Math.max(1, Math.floor(Number(values.slices)) || 1);
const WARM_UP_MS = Math.max(0, Number(values['warm-up']) || 0) * 1000;
const PASSWORD = 'Bench-Password-2026';
const EMAIL = 'bench@example.nc';
const client = { client_id: 'bench', client_secret: 'bench-secret-0123456789abcdef0123456789abcdef', redirect_uri: 'http://bench.test/cb' };
/**
 * Node options that profile server `name`: `--cpu-prof DIR` writes DIR/<name>.cpuprofile when it
 * stops; `--perf` makes node write the JIT map perf reads.
 */
const profiling = (name: string) => [
  ...(values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(values['cpu-prof']), '--cpu-prof-name', `${name}.cpuprofile`] : []),
  ...(PERF ? [PERF_NODE_FLAG] : []),
];

// ---- processes and CPU ------------------------------------------------------------------------
/**
 * The process's resident memory now (VmRSS), its anonymous part (its heaps; the rest is pages of
 * files, the node binary's mostly, that the kernel can drop and read again) and the most it ever
 * had (VmHWM), MB, from one read of its status.
 */
function residentMb(pid: number): { now: number; anon: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { now: field('VmRSS'), anon: field('RssAnon'), peak: field('VmHWM') };
}
/**
 * The process's memory once it has settled after load (residentMb's last reading), and how many
 * seconds that took: V8's memory reducer compacts the heap and returns its spare pages once it
 * finds the process idle (it looks every 8 s). Read each second until no new low for 20 s, at
 * most 90 s.
 */
async function settledMemory(pid: number): Promise<ReturnType<typeof residentMb> & { seconds: number }> {
  const started = performance.now();
  let resident = residentMb(pid);
  let low = resident.now;
  let lowAt = started;
  while (performance.now() - started < 90_000 && performance.now() - lowAt < 20_000) {
    await sleep(1_000);
    resident = residentMb(pid);
    if (resident.now < low - 1) lowAt = performance.now();
    low = Math.min(low, resident.now);
  }
  return { ...resident, seconds: (lowAt - started) / 1000 };
}
function pidsNamed(names: string[]): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try { return names.includes(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()); } catch { return false; }
  });
}
/** The V8 heap (in use, reserved) from the process metrics Passerelle publishes at /metrics. */
async function heapMb(url: string): Promise<{ used: number; total: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => Math.round(Number(new RegExp(`^passerelle_process_nodejs_heap_size_${name}_bytes (\\d+)`, 'm').exec(text)?.[1] ?? 0) / 2 ** 20);
  return { used: read('used'), total: read('total') };
}
/**
 * Nanoseconds on CPU of the server's event loop (main thread), libuv pool and other threads (V8's
 * GC helpers), from each thread's schedstat: exact, where `stat` counts 10 ms ticks.
 */
function threadCpuNs(pid: number): { loop: number; pool: number; other: number } {
  const cpu = { loop: 0, pool: 0, other: 0 };
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const ns = taskCpuNs(pid, task);
      const kind = Number(task) === pid ? 'loop' : readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim() === 'libuv-worker' ? 'pool' : 'other';
      cpu[kind] += ns;
    } catch { /* thread ended */ }
  }
  return cpu;
}
const CPU_PARTS = ['loop', 'pool', 'other', 'storage'] as const;
const opsPerCpuSecond = (ops: number, cpuNs: number) => ops / Math.max(cpuNs / 1e9, 1e-9);

/** Nanoseconds on CPU of one thread, from its schedstat. */
const taskCpuNs = (pid: number, task: string) => Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);

/** Nanoseconds on CPU of whole processes (every thread). */
function processesCpuNs(pids: number[]): number {
  let ns = 0;
  for (const pid of pids) {
    try {
      for (const task of readdirSync(`/proc/${pid}/task`)) ns += taskCpuNs(pid, task);
    } catch { /* process or thread ended */ }
  }
  return ns;
}

/** Starts a server (`name`), and resolves once it answers; with --log, its output goes to a file. */
async function startProcess(name: string, args: string[], env: Record<string, string>, url: string, command = process.execPath, cwd = process.cwd()): Promise<ChildProcess> {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (values.log) {
    mkdirSync(values.log, { recursive: true });
    const file = createWriteStream(path.join(values.log, `${name}.log`), { flags: 'a' });
    // Both streams into one file, which closes with the process (not with the first stream's end).
    child.stdout!.pipe(file, { end: false });
    child.stderr!.pipe(file, { end: false });
    child.once('close', () => file.end());
  }
  // The output until it answers, for the error if it never does; then no more (the streams keep
  // flowing, into the file with --log).
  let output = '';
  const collect = (chunk: Buffer) => { output += chunk; };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  for (let i = 0; i < 300; i += 1) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
    try {
      if ((await fetch(`${url}/.well-known/openid-configuration`)).ok) {
        child.stdout!.off('data', collect);
        child.stderr!.off('data', collect);
        return child;
      }
    } catch { /* starting */ }
    await sleep(100);
  }
  throw new Error(`server never answered:\n${output}`);
}

// ---- the load client --------------------------------------------------------------------------
/** A server under load, and the processes of its storage (PostgreSQL's and Redis's, with --pg) whose CPU counts as its own. */
interface Server { name: string; url: string; mainPid: number; storagePids: () => number[] }
/** Where an operation's CPU went, ms: the server's event loop, its libuv pool (argon2, RSA signatures), its other threads (V8's GC and compiler, libSQL's), its storage's processes. */
interface CpuSplit { loop: number; pool: number; other: number; storage: number }
interface Result { scenario: string; server: string; ops: number; errors: number; opsPerSec: number; p50: number; p99: number; cpuMsPerOp: number; perOp: CpuSplit; opsPerCpuSecond: number; opsPerCpuSecondByRound: number[] }

async function signIn(url: string, offline = false): Promise<{ access: string; refresh?: string }> {
  const browser = new Browser(url);
  const verifier = randomBytes(32).toString('base64url');
  const { createHash } = await import('node:crypto');
  const query = new URLSearchParams({
    client_id: client.client_id, response_type: 'code', redirect_uri: client.redirect_uri, scope: offline ? 'openid email offline_access' : 'openid email',
    state: randomBytes(8).toString('hex'), code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    ...(offline ? { prompt: 'consent' } : {}),
  });
  const { page } = await browser.open(`/auth?${query}`);
  const action = /action="([^"]*\/login)"/.exec(page.html)?.[1];
  if (!action) throw new Error(`no login form (${page.status})`);
  const { leftTo, page: after } = await browser.submit(action, { ...hiddenInputsOf(page.html, '/login'), email: EMAIL, password: PASSWORD });
  const code = leftTo?.searchParams.get('code');
  if (!code) throw new Error(`no code from ${url}: ${after.status} ${after.url} ${after.html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 300)}`);
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirect_uri, code_verifier: verifier }),
  });
  if (!response.ok) throw new Error(`token ${response.status}`);
  const tokens = await response.json() as { access_token: string; refresh_token?: string };
  return { access: tokens.access_token, refresh: tokens.refresh_token };
}

/** One server under one scenario: its clients' state, and what the slices run so far added up. */
interface Load { server: Server; states: unknown[]; latencies: number[]; errors: number; cpuNs: CpuSplit; seconds: number; perfFiles: string[]; byRound: number[] }

/** The server's CPU so far, ns, by where it was spent. */
function cpuNow(server: Server): CpuSplit {
  return { ...threadCpuNs(server.mainPid), storage: processesCpuNs(server.storagePids()) };
}

type Operation = (server: Server, state: unknown) => Promise<unknown>;

/** Runs `op` for `ms` with each of `load`'s CONCURRENCY clients, passing each latency (ms) or failure on. */
async function drive(load: Load, op: Operation, ms: number, done: (latency: number) => void, failed: () => void): Promise<void> {
  const deadline = performance.now() + ms;
  await Promise.all(load.states.map(async (_, worker) => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try { load.states[worker] = (await op(load.server, load.states[worker])) ?? load.states[worker]; done(performance.now() - t0); } catch { failed(); }
    }
  }));
}

/** Drives `load` for `ms`, adding up operations, latencies and CPU. */
async function runSlice(load: Load, op: Operation, ms: number): Promise<void> {
  const { server } = load;
  const perfFile = PERF ? path.join(benchDir, `${server.name}-${randomBytes(4).toString('hex')}.perf`) : undefined;
  const recording = perfFile ? await recordCpu(server.mainPid, perfFile) : undefined;
  const before = cpuNow(server);
  const [started, opsBefore] = [performance.now(), load.latencies.length];
  await drive(load, op, ms, (latency) => load.latencies.push(latency), () => { load.errors += 1; });
  load.seconds += (performance.now() - started) / 1000;
  const after = cpuNow(server);
  const spent = CPU_PARTS.map((part) => after[part] - before[part]);
  CPU_PARTS.forEach((part, i) => { load.cpuNs[part] += spent[i]!; });
  load.byRound.push(opsPerCpuSecond(load.latencies.length - opsBefore, spent.reduce((a, b) => a + b, 0)));
  if (recording) {
    await recording.stop();
    load.perfFiles.push(perfFile!);
  }
}

function resultOf(scenario: string, load: Load): Result {
  const { latencies, cpuNs } = load;
  latencies.sort((a, b) => a - b);
  const ops = latencies.length;
  const pct = (p: number) => latencies[Math.min(ops - 1, Math.floor(ops * p))] ?? 0;
  const totalNs = CPU_PARTS.reduce((sum, part) => sum + cpuNs[part], 0);
  const perOp = Object.fromEntries(CPU_PARTS.map((part) => [part, cpuNs[part] / 1e6 / Math.max(ops, 1)])) as unknown as CpuSplit;
  return { scenario, server: load.server.name, ops, errors: load.errors, opsPerSec: ops / load.seconds, p50: pct(0.5), p99: pct(0.99), cpuMsPerOp: totalNs / 1e6 / Math.max(ops, 1), perOp,
    opsPerCpuSecond: opsPerCpuSecond(ops, totalNs), opsPerCpuSecondByRound: load.byRound };
}

/**
 * Every server under one scenario, in alternating slices (SLICES per server, DURATION_MS in all
 * for each): a shared host's speed drifts by tens of percent over minutes, and alternating puts
 * every server under the same drift, so their ratios hold where a run of each in turn would not.
 */
async function measure(servers: Server[], scenario: string, prepare: (server: Server, worker: number) => Promise<unknown>, op: Operation): Promise<Result[]> {
  const loads: Load[] = [];
  for (const server of servers) {
    const states = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => prepare(server, i)));
    loads.push({ server, states, latencies: [], errors: 0, cpuNs: { loop: 0, pool: 0, other: 0, storage: 0 }, seconds: 0, perfFiles: [], byRound: [] });
  }
  // Unmeasured first: what each server does once (code compiled on first use, templates read,
  // caches filled) would otherwise land in its first slice, and weigh more on the larger server.
  for (const load of loads) await drive(load, op, WARM_UP_MS, () => {}, () => {});
  // Each round starts with the next server, so that none always goes first: with a fixed order,
  // two builds a percent apart measured 0.97x in one order and 1.00x swapped.
  for (let slice = 0; slice < SLICES; slice += 1) {
    for (let turn = 0; turn < loads.length; turn += 1) await runSlice(loads[(slice + turn) % loads.length]!, op, DURATION_MS / SLICES);
  }
  if (PERF) {
    const split = values['perf-functions'];
    const perOp = await Promise.all(loads.map(async (load) => microsPerOp(await samplesByCategory(load.perfFiles, load.server.mainPid, split), load.latencies.length)));
    const names = loads.map((load) => load.server.name);
    attributions.push(() => printAttribution(scenario, names, perOp, Number(values['perf-rows'] ?? (split ? 40 : 15)), perfDiff(names)));
  }
  return loads.map((load) => resultOf(scenario, load));
}
/** `--perf`: each scenario's table, printed after the results. */
const attributions: Array<() => void> = [];

async function runScenarios(servers: Server[]): Promise<Result[]> {
  const get = (p: string) => async (server: Server) => { const r = await fetch(`${server.url}${p}`); if (!r.ok) throw new Error(String(r.status)); await r.arrayBuffer(); };
  const results: Result[] = [];
  if (wanted('discovery')) results.push(...await measure(servers, 'discovery', async () => null, get('/.well-known/openid-configuration')));
  if (wanted('jwks')) results.push(...await measure(servers, 'jwks', async () => null, get('/jwks')));
  if (wanted('sign-in')) results.push(...await measure(servers, 'sign-in', async () => null, async (server) => { await signIn(server.url); }));
  if (wanted('refresh')) results.push(...await measure(servers, 'refresh', async (server) => (await signIn(server.url, true)).refresh, async (server, refresh) => {
    const r = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(refresh) }),
    });
    if (!r.ok) throw new Error(String(r.status));
    return (await r.json() as { refresh_token: string }).refresh_token;
  }));
  if (wanted('userinfo')) results.push(...await measure(servers, 'userinfo', async (server) => (await signIn(server.url)).access, async (server, access) => {
    const r = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${String(access)}` } });
    if (!r.ok) throw new Error(String(r.status));
    await r.arrayBuffer();
  }));
  return results;
}

// ---- one sign-in, request by request (--steps) ---------------------------------------------
/** The step a request of the sign-in is, from its method and path (the same on both servers). */
function stepOf(method: string, pathname: string): string {
  if (pathname === '/auth') return '1 authorize';
  if (/^\/interaction\/[\w-]+$/.test(pathname)) return '2 sign-in page';
  if (/^\/interaction\/[\w-]+\/login$/.test(pathname)) return '3 login (argon2)';
  if (/^\/auth\/[\w-]+$/.test(pathname)) return '4 resume';
  if (pathname === '/token') return '5 token';
  return `${method} ${pathname}`;
}

type StepCost = { requests: number; loop: number; pool: number; other: number };

/**
 * Sequential sign-ins, with the server's CPU read at the start of every request: what a step
 * costs is everything the server did from its request to the next one, trailing work included.
 */
async function stepCosts(server: Server, signIns: number): Promise<{ signIns: number; costs: Map<string, StepCost> }> {
  const costs = new Map<string, StepCost>();
  const realFetch = globalThis.fetch;
  let open: { step: string; at: ReturnType<typeof threadCpuNs> } | undefined;
  const close = () => {
    if (!open) return;
    const now = threadCpuNs(server.mainPid);
    const cost = costs.get(open.step) ?? { requests: 0, loop: 0, pool: 0, other: 0 };
    costs.set(open.step, { requests: cost.requests + 1, loop: cost.loop + now.loop - open.at.loop, pool: cost.pool + now.pool - open.at.pool, other: cost.other + now.other - open.at.other });
  };
  globalThis.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    close();
    open = { step: stepOf(init?.method ?? 'GET', url.pathname), at: threadCpuNs(server.mainPid) };
    return realFetch(input, init);
  };
  try {
    for (let i = 0; i < 20; i += 1) await signIn(server.url); // warm-up
    costs.clear();
    open = undefined;
    for (let i = 0; i < signIns; i += 1) await signIn(server.url);
    await sleep(200);
    close();
  } finally {
    globalThis.fetch = realFetch;
  }
  return { signIns, costs };
}

type Steps = Awaited<ReturnType<typeof stepCosts>>;

function printStepCosts(ours: Steps, theirs: Steps, theirName: string): void {
  const perSignIn = ({ signIns, costs }: Steps, step: string, part: keyof StepCost) => (costs.get(step)?.[part] ?? 0) / signIns / (part === 'requests' ? 1 : 1000);
  console.log(`\nOne sign-in, step by step (sequential; server CPU µs per sign-in: event loop, libuv pool, other threads), Passerelle and ${theirName}\n`);
  const their = theirName.slice(0, 4);
  console.log(['step', 'requests', 'ours loop', 'ours pool', 'ours other', 'requests', `${their} loop`, `${their} pool`, `${their} other`, 'loop diff'].map((h, i) => (i === 0 ? h.padEnd(20) : h.padStart(11))).join(''));
  const steps = [...new Set([...ours.costs.keys(), ...theirs.costs.keys()])].sort();
  const parts = ['requests', 'loop', 'pool', 'other'] as const;
  const row = (label: string, value: (steps: Steps, part: keyof StepCost) => number) => {
    const cells = [...parts.map((part) => value(ours, part)), ...parts.map((part) => value(theirs, part)), value(ours, 'loop') - value(theirs, 'loop')];
    console.log([label.padEnd(20), ...cells.map((n, i) => fmt(n, i % 4 === 0 && i < 8 ? 1 : 0).padStart(11))].join(''));
  };
  for (const step of steps) row(step, (of, part) => perSignIn(of, step, part));
  row('total', (of, part) => steps.reduce((sum, step) => sum + perSignIn(of, step, part), 0));
}

// ---- the two servers --------------------------------------------------------------------------
const benchDir = path.resolve('test/.tmp', `bench-${process.pid}`);
mkdirSync(benchDir, { recursive: true });
const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void>> = [async () => rmSync(benchDir, { recursive: true, force: true })];
process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); });
const memoryLimit = values['memory-limit'] ? createMemoryLimit(Number(values['memory-limit']), `passerelle-bench-${process.pid}`) : undefined;
// Cleanups run once the servers have ended: the cgroup is empty by then.
if (memoryLimit) cleanups.push(async () => memoryLimit.remove());

/** A database of a server's own (a SQLite file in its folder, or a PostgreSQL schema) and, with --pg, a Redis prefix; dropped at the end. */
function storageFor(name: string): { work: string; databaseUrl: string; redisPrefix?: string } {
  const work = path.join(benchDir, name);
  mkdirSync(work, { recursive: true });
  if (!values.pg) return { work, databaseUrl: `file:${path.join(work, 'passerelle.db')}` };
  const schema = `bench_${process.pid}_${name.replace(/\W/g, '_')}`;
  const redisPrefix = `bench-${process.pid}-${name}:`;
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('schema', schema);
  // Redis too: a run leaves ~100,000 keys (sessions, grants, tokens, with lifetimes of hours to
  // weeks), which would otherwise weigh on Redis, and on the figures, in the runs that follow.
  cleanups.push(() => dropSharedStorage(schema, redisPrefix));
  return { work, databaseUrl: url.toString(), redisPrefix };
}

/** The CPU a server's storage spends for it: PostgreSQL's and Redis's processes with --pg (SQLite runs inside the server). */
const storageProcesses = values.pg ? () => pidsNamed(['postgres', 'redis-server']) : () => [];

/** The stored hashes of the bench's account and of the seeded ones: the same in every server's database, made once. */
let accountHashes: Promise<{ bench: string; seeded: string }> | undefined;
const hashesOfAccounts = () => accountHashes ??= (async () => {
  const hasher = await createPasswordHasher();
  return { bench: await hasher.hash(PASSWORD), seeded: await hasher.hash('Seeded-Password-2026') };
})();

/** The bench's account (and `--seed-accounts` more) in `db`, migrated and prepared. */
async function storeAccounts(db: Database, databaseUrl: string): Promise<void> {
  const hashes = await hashesOfAccounts();
  await createAccount(db, { email: EMAIL, passwordHash: hashes.bench, status: 'active', emailVerifiedAt: new Date() });
  const seed = Number(values['seed-accounts'] ?? 0);
  if (seed > 0) {
    const started = performance.now();
    const BATCH = 20_000;
    if (values.pg) {
      // PostgreSQL: one INSERT … SELECT unnest(…) per 20,000 rows, then statistics, so the run
      // that follows measures sign-ins and not autovacuum.
      const connection = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path="${postgresSchemaOf(databaseUrl)}"` });
      await connection.connect();
      for (let done = 0; done < seed; done += BATCH) {
        const emails = Array.from({ length: Math.min(BATCH, seed - done) }, (_, i) => `seed-${done + i}@example.nc`);
        await connection.query(
          `INSERT INTO "Account" (id, email, "emailNormalized", "passwordHash", status, "updatedAt")
           SELECT id, e, e, $3, 'active', now() FROM unnest($1::text[], $2::text[]) AS t(id, e)`,
          [emails.map(() => randomBytes(16).toString('base64url')), emails, hashes.seeded],
        );
      }
      await connection.query('VACUUM ANALYZE "Account"');
      await connection.end();
    } else {
      for (let done = 0; done < seed; done += BATCH) {
        await db.account.createMany({ data: Array.from({ length: Math.min(BATCH, seed - done) }, (_, i) => {
          const email = `seed-${done + i}@example.nc`;
          return { id: randomBytes(16).toString('base64url'), email, emailNormalized: email, passwordHash: hashes.seeded, status: 'active' };
        }) });
      }
    }
    console.log(`seeded ${seed} accounts in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** Opens the server's database with Prisma for `use`, and closes it. */
async function withDatabase(databaseUrl: string, use: (db: Database) => Promise<void>): Promise<void> {
  const db = createDatabase(databaseUrl);
  try {
    await use(db);
  } finally {
    await db.$disconnect();
  }
}

/** Passerelle as `npm start` runs it, from `dir` (this checkout, or `--against`'s), under `name`. */
async function startPasserelle(name: string, dir = process.cwd()): Promise<Server> {
  const port = await freePort();
  const { work, databaseUrl, redisPrefix } = storageFor(name);
  const url = `http://127.0.0.1:${port}`;
  writeFileSync(path.join(work, 'clients.json'), JSON.stringify([{ client_id: client.client_id, client_secret: client.client_secret, redirect_uris: [client.redirect_uri], grant_types: ['authorization_code', 'refresh_token'], first_party: true }]));
  // NODE_ENV=production wants an https issuer: the bench serves plain http on loopback.
  const env: Record<string, string> = { NODE_ENV: 'test', PORT: String(port), ISSUER: url, CLIENTS_FILE: path.join(work, 'clients.json'), DATA_DIR: work, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    CAPTCHA: 'off', SIGNIN_IP_LIMIT: '1000000', COOKIE_KEYS: randomBytes(32).toString('hex'), SMTP_URL: 'smtp://127.0.0.1:9', DATABASE_URL: databaseUrl,
    ...(redisPrefix ? { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redisPrefix } : {}) };
  // What `npm start` runs: the compiled build (`npm run bench` builds it first), with its memory
  // settings; under --memory-limit, from inside its cgroup.
  const start = ['scripts/start.sh', ...profiling(name), ...(values['node-args']?.split(' ').filter(Boolean) ?? [])];
  const [command, args] = name === 'passerelle' && memoryLimit ? memoryLimit.inside('/bin/sh', start) : ['/bin/sh', start];
  const child = await startProcess(name, args, env, url, command, dir);
  children.push(child);
  await withDatabase(databaseUrl, (db) => storeAccounts(db, databaseUrl));
  return { name, url, mainPid: child.pid!, storagePids: storageProcesses };
}

/**
 * A bare oidc-provider (baseline-provider.ts): in memory as `baseline`, or on Passerelle's storage
 * (same backend as Passerelle's, the account in its database) as `durable`.
 */
async function startBaseline(name: 'baseline' | 'durable'): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = { PORT: String(port), BENCH_CLIENT: JSON.stringify(client), BENCH_EMAIL: EMAIL, BENCH_PASSWORD: PASSWORD, NODE_ENV: 'production' };
  if (name === 'durable') {
    const { databaseUrl, redisPrefix } = storageFor(name);
    // What Passerelle's start does to its own database: migrations, and SQLite's WAL mode.
    await applyMigrations(databaseUrl);
    await withDatabase(databaseUrl, async (db) => {
      await prepareDatabase(db, databaseUrl);
      await storeAccounts(db, databaseUrl);
    });
    Object.assign(env, { BENCH_DATABASE_URL: databaseUrl, ...(redisPrefix ? { BENCH_REDIS_URL: TEST_REDIS_URL, BENCH_REDIS_PREFIX: redisPrefix, BENCH_REDIS_ADAPTER: DURABLE_REDIS } : {}) });
  }
  // Both on Node's defaults: the runtime settings scripts/start.sh gives Passerelle are Passerelle's.
  // Compiled, as Passerelle is (prebench, tsconfig.bench.json): under tsx, its module hooks and the
  // source maps it turns on cost the baselines CPU on requests that Passerelle's dist/ does not pay.
  const child = await startProcess(name, [...profiling(name), 'dist/test/bench/baseline-provider.js'], env, url);
  children.push(child);
  return { name, url, mainPid: child.pid!, storagePids: name === 'durable' ? storageProcesses : () => [] };
}

// ---- run and report ---------------------------------------------------------------------------
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
try {
  const passerelle = await startPasserelle('passerelle');
  // --against: another build in the baseline's place, and no other server.
  const others = values.against ? [await startPasserelle('against', path.resolve(values.against))] : [await startBaseline('baseline'), await startBaseline('durable')];
  const [baseline, durable] = others as [Server, Server | undefined];
  const results = await runScenarios([passerelle, ...others]);
  const of = (server: Server | undefined) => results.filter((r) => r.server === server?.name);
  const memory: Record<string, number> = {};
  /** RSS as the last sign-in of each round left it, for the memory target. */
  const lastLeftMb: number[] = [];
  const rounds = Number(values.memory ?? 0);
  if (rounds > 0) {
    for (let round = 1; round <= 2; round += 1) {
      let left = rounds;
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (left-- > 0) await signIn(passerelle.url); }));
      const signIns = rounds * round;
      // As the last sign-in left it (and its anonymous part), then settled at rest (settledMemory).
      const lastLeft = residentMb(passerelle.mainPid);
      memory[`rssMbAtLastOf${signIns}SignIns`] = Math.round(lastLeft.now);
      lastLeftMb.push(Math.round(lastLeft.now));
      memory[`rssAnonMbAtLastOf${signIns}SignIns`] = Math.round(lastLeft.anon);
      const settled = await settledMemory(passerelle.mainPid);
      memory[`rssMbAfter${signIns}SignIns`] = Math.round(settled.now);
      memory[`secondsToSettleAfter${signIns}SignIns`] = Math.round(settled.seconds);
      // Under load (argon2's blocks in use), since the start.
      memory[`peakRssMbAfter${signIns}SignIns`] = Math.round(settled.peak);
      const heap = await heapMb(passerelle.url);
      memory[`heapUsedMbAfter${signIns}SignIns`] = heap.used;
      memory[`heapTotalMbAfter${signIns}SignIns`] = heap.total;
    }
  }
  if (memoryLimit) Object.assign(memory, memoryLimit.report());
  console.log(`\nPasserelle (${values.pg ? 'PostgreSQL + Redis' : 'SQLite'}) vs ${values.against ? `the build in ${values.against}` : `bare oidc-provider: in memory (baseline) and on ${DURABLE_STORAGE} (durable)`} — ${CONCURRENCY} concurrent, ${values.duration} s per scenario and server in ${SLICES} alternating slices, ${new Date().toISOString()}`);
  console.log(`ratio: ops per CPU-second relative to the ${baseline.name} server${durable ? `; vs durable: Passerelle against the same library on ${DURABLE_STORAGE}${DURABLE_REDIS === 'reference' ? '' : ', i.e. what Passerelle adds'}` : ''}\n`);
  console.log(`CPU ms/op: all of it, then on the event loop, the libuv pool (argon2, RSA), other threads (V8's GC and compiler, libSQL's) and ${values.pg ? 'PostgreSQL and Redis' : 'the storage\'s processes (none: SQLite runs inside the server)'}\n`);
  console.log(`by round: the lowest and highest ratio to ${baseline.name} over the rounds of slices (shorter samples than the run's ratio, so wider: a ratio within it is within this run's noise)\n`);
  // The issue's targets are ratios to the in-memory baseline: none against another build (--against).
  const judged = !values.against;
  if (judged) console.log(`target: the issue's, as a ratio to ${baseline.name} (test/bench/targets.ts), with zero errors\n`);
  console.log([...['scenario', 'server', 'ops/s', 'p50 ms', 'p99 ms', 'CPU ms/op', 'loop', 'pool', 'threads', 'storage', 'ops/CPU-s', 'errors', 'ratio', 'by round', ...(durable ? ['vs durable'] : [])].map((h) => h.padStart(11)), ...(judged ? ['target'.padStart(23)] : [])].join(''));
  const ratio = (row: Result, to: Result) => `${fmt(row.opsPerCpuSecond / to.opsPerCpuSecond, 2)}x`;
  const byRound = (row: Result, to: Result) => {
    const ratios = row.opsPerCpuSecondByRound.map((value, round) => value / (to.opsPerCpuSecondByRound[round] ?? Number.NaN)).filter(Number.isFinite);
    return ratios.length ? `${fmt(Math.min(...ratios), 2)}-${fmt(Math.max(...ratios), 2)}` : '';
  };
  const verdicts: Record<string, Verdict> = {};
  for (const result of of(passerelle)) {
    const [base, stored] = [baseline, durable].map((server) => of(server).find((r) => r.scenario === result.scenario));
    const verdict = judged ? verdictOf(result.scenario, result, base!) : undefined;
    if (verdict) verdicts[result.scenario] = verdict;
    for (const row of [result, base!, ...(stored ? [stored] : [])]) {
      console.log([...[row.scenario, row.server, fmt(row.opsPerSec), fmt(row.p50, 1), fmt(row.p99, 1), fmt(row.cpuMsPerOp, 2), ...CPU_PARTS.map((part) => fmt(row.perOp[part], 2)), fmt(row.opsPerCpuSecond), String(row.errors),
        row === base ? '' : ratio(row, base!), row === base ? '' : byRound(row, base!), ...(stored ? [row === result ? ratio(row, stored) : ''] : [])].map((c) => c.padStart(11)),
      ...(judged ? [(row === result ? verdictCell(verdict) : '').padStart(23)] : [])].join(''));
    }
  }
  for (const print of attributions) print();
  if (Object.keys(memory).length) console.log(`\nmemory: ${JSON.stringify(memory)}`);
  const memoryVerdict = rounds > 0 ? memoryVerdictOf(lastLeftMb[0]!, lastLeftMb[1]!) : undefined;
  if (memoryVerdict) {
    console.log(`memory target: RSS under ${memoryVerdict.limitMb} MB as the last sign-in leaves it, not growing from one round to the next: ${memoryVerdict.firstMb} MB after ${fmt(rounds)}, ${memoryVerdict.secondMb} MB after ${fmt(2 * rounds)} sign-ins, ${memoryVerdict.met ? 'met' : 'missed'}`);
  }
  if (values.steps) {
    // Against `durable` where it runs: the same library on the same storage, so a step's difference is Passerelle's own.
    const against = durable ?? baseline;
    printStepCosts(await stepCosts(passerelle, Number(values.steps)), await stepCosts(against, Number(values.steps)), against.name);
  }
  console.log(JSON.stringify({ date: new Date().toISOString(), backend: values.pg ? 'postgresql+redis' : 'sqlite', ...(values.pg ? { durableRedisAdapter: DURABLE_REDIS } : {}), concurrency: CONCURRENCY, durationSeconds: Number(values.duration), slices: SLICES,
    passerelle: of(passerelle), baseline: of(baseline), ...(durable ? { durable: of(durable) } : {}), memory,
    ...(judged ? { targets: { ...verdicts, ...(memoryVerdict ? { memory: memoryVerdict } : {}) } } : {}) }));
} finally {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))));
  // The JIT maps node wrote for perf.
  if (PERF) for (const c of children) rmSync(`/tmp/perf-${c.pid}.map`, { force: true });
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
}
