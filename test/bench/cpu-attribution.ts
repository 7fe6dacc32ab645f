// `--perf`: where each server's event loop spends its CPU, per operation, by the code it was in.
// Linux `perf` samples the server's main thread while its slices run (node writes a map of its
// JIT-compiled functions, --perf-basic-prof-only-functions, so samples name JavaScript
// functions); each sample is charged to the package of the innermost JavaScript frame on its
// stack ("ours:<module>" for Passerelle's own code, "node:<module>" for Node's), prefixed with
// "kernel:" when the sample was in the kernel on that code's behalf (a socket write that wakes
// its peer, a file write), "storage:" in libSQL's native code, "gc:" in V8's collector. Unlike
// `--cpu-prof`, which samples wall time, a sample is taken only while the thread runs.
// `--perf-functions <package>` splits one package's rows by function; `--perf-functions native`
// splits the samples with no JavaScript frame by their innermost native function.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const FREQUENCY = 999;
/** Node's flag for the JIT map `perf script` reads (/tmp/perf-<pid>.map). */
export const PERF_NODE_FLAG = '--perf-basic-prof-only-functions';

export interface CpuRecording { stop(): Promise<void> }

/** Starts sampling the main thread of `pid` into `file`; resolves once perf has attached. */
export async function recordCpu(pid: number, file: string): Promise<CpuRecording> {
  const perf: ChildProcess = spawn('perf', ['record', '-q', '-F', String(FREQUENCY), '-g', '-t', String(pid), '-o', file], { stdio: 'ignore' });
  const failed = once(perf, 'error');
  // perf says nothing when it is attached: give it the time (samples come only while the server
  // works, and the load starts after this).
  await Promise.race([new Promise((resolve) => setTimeout(resolve, 500)), failed.then(([error]) => { throw new Error(`--perf needs Linux perf (${String(error)})`); })]);
  return {
    async stop() {
      const exited = once(perf, 'exit');
      perf.kill('SIGINT');
      await exited;
    },
  };
}

/** The package a JIT frame's function belongs to, from its script's path. */
function packageOf(frame: string): string | undefined {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(frame);
  if (dependency && dependency[1] !== 'node') return dependency[1];
  // Passerelle's build, or its sources as the baselines run them through tsx.
  const ours = /\/((?:src|interactions)\/[^ :]+)/.exec(frame) ?? /test\/bench\/([^ :]+)/.exec(frame);
  if (ours) return `ours:${ours[1]!.replace(/^src\//, '').replace(/\.ts$/, '.js')}`;
  const builtin = / (node:[^: ]+)/.exec(frame);
  return builtin?.[1];
}

/** "name path/in/package.js:line:column" of a JIT frame's symbol ("JS:*name file:///…:l:c", or a plain path for CommonJS). */
const functionOf = (symbol: string): string =>
  symbol.replace(/^JS:[*^~]?/, '').replace(/ (?:file:\/\/)?\/\S*?(?:node_modules\/|\/dist\/|\/(?=(?:src|interactions|test)\/))/, ' ');

/**
 * The category of one sample, from its stack (innermost frame first: [symbol, object]). Samples
 * in `split` (a package as categories name it, or "ours" or "node" for all of those) are charged
 * to their function as well.
 */
export function categoryOf(stack: Array<[string, string]>, split?: string): string {
  const [leafSymbol = '', leafObject = ''] = stack[0] ?? [];
  const where = leafObject.includes('kernel') ? 'kernel:'
    : leafObject.includes('libsql') ? 'storage:'
    : /Scaveng|MarkCompact|Sweep|IncrementalMarking|ConcurrentMarking/.test(leafSymbol) ? 'gc:' : '';
  const isSplit = (owner: string) => split !== undefined && (owner === split || owner.startsWith(`${split}:`));
  for (const [symbol] of stack) {
    const owner = symbol.startsWith('JS:') ? packageOf(symbol) : undefined;
    if (owner) return `${where}${owner}${isSplit(owner) ? ` ${functionOf(symbol)}` : ''}`;
  }
  // libSQL's native code does not keep frame pointers: its samples do not show who called it.
  if (where === 'storage:') return 'storage: libSQL native code';
  // `--perf-functions native`: by the innermost native function (V8's, Node's, libuv's, the kernel's).
  return `${where}native code (no JavaScript frame)${split === 'native' ? ` ${leafSymbol}` : ''}`;
}

/** Samples of thread `tid` in the recordings, by category (`split`: see categoryOf). */
export async function samplesByCategory(files: string[], tid: number, split?: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const file of files) {
    const script = spawn('perf', ['script', '-i', file, '-F', 'tid,ip,sym,dso', '--max-stack', '64'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stack: Array<[string, string]> | undefined;
    const flush = () => {
      if (stack) {
        const category = categoryOf(stack, split);
        counts.set(category, (counts.get(category) ?? 0) + 1);
      }
      stack = undefined;
    };
    for await (const line of createInterface({ input: script.stdout! })) {
      if (!line.startsWith('\t') && line.trim()) {
        flush();
        if (Number(line.trim()) === tid) stack = [];
      } else if (stack) {
        const frame = /^\s*[0-9a-f]+ (.*) \((.*)\)$/.exec(line);
        if (frame) stack.push([frame[1]!, frame[2]!]);
      }
    }
    flush();
  }
  return counts;
}

/** µs per operation that server `a` spends on a category more than server `b`. */
const differenceOf = (perOp: Array<Map<string, number>>, a: number, b: number) =>
  (category: string) => (perOp[a]!.get(category) ?? 0) - (perOp[b]!.get(category) ?? 0);

/** Every category, largest difference between servers `a` and `b` first, either way. */
export function byDifference(perOp: Array<Map<string, number>>, a: number, b: number): string[] {
  const diff = differenceOf(perOp, a, b);
  return [...new Set(perOp.flatMap((m) => [...m.keys()]))].sort((x, y) => Math.abs(diff(y)) - Math.abs(diff(x)));
}

/**
 * Prints µs of event-loop CPU per operation by category, the servers side by side (Passerelle
 * first), largest differences first, either way, between the two servers of `between` (by
 * default Passerelle and the last server, the one that runs the same library on the same
 * storage when there is one): the same work charged to different code in the two (a socket
 * write under another frame) shows as a pair that cancels.
 */
export function printAttribution(scenario: string, names: string[], perOp: Array<Map<string, number>>, rows: number, between: [number, number] = [0, perOp.length - 1]): void {
  const [a, b] = between;
  const diff = differenceOf(perOp, a, b);
  const total = (m: Map<string, number>) => [...m.values()].reduce((sum, n) => sum + n, 0);
  const cell = (n: number) => n.toFixed(1).padStart(11);
  console.log(`\n${scenario}: event-loop CPU per operation, µs (perf, ${FREQUENCY} Hz), largest differences ${names[a]} − ${names[b]} first, either way`);
  console.log(`${names.map((name) => name.padStart(11)).join('')}${'diff'.padStart(11)}  category`);
  console.log(`${perOp.map((m) => cell(total(m))).join('')}${cell(total(perOp[a]!) - total(perOp[b]!))}  all`);
  for (const category of byDifference(perOp, a, b).slice(0, rows)) {
    console.log(`${perOp.map((m) => cell(m.get(category) ?? 0)).join('')}${cell(diff(category))}  ${category}`);
  }
}

/** µs per operation from sample counts. */
export const microsPerOp = (samples: Map<string, number>, ops: number): Map<string, number> =>
  new Map([...samples].map(([category, n]) => [category, (n / FREQUENCY) * 1e6 / Math.max(ops, 1)]));
