// The bench's `--perf` attribution: which category a sampled stack is charged to.
import { describe, expect, it } from '@jest/globals';
import { byDifference, categoryOf } from '../bench/cpu-attribution.js';

const frame = (symbol: string, object = '/tmp/perf-1.map'): [string, string] => [symbol, object];
const provider = 'JS:*validateAccessToken file:///app/node_modules/oidc-provider/lib/shared/access_token.js:8:44';
const ours = 'JS:^find file:///app/dist/src/oidc/adapters/sql-adapter.js:32:15';

describe('categoryOf', () => {
  it('charges a sample to the package of its innermost JavaScript frame', () => {
    expect(categoryOf([frame('Builtin:JSONParse', '/usr/bin/node'), frame(provider), frame(ours)])).toBe('oidc-provider');
    expect(categoryOf([frame(ours), frame(provider)])).toBe('ours:oidc/adapters/sql-adapter.js');
  });

  it('prefixes kernel and storage samples, and names stacks without JavaScript', () => {
    expect(categoryOf([frame('tcp_sendmsg', '[kernel.kallsyms]'), frame(provider)])).toBe('kernel:oidc-provider');
    expect(categoryOf([frame('sqlite3VdbeExec', '/app/node_modules/@libsql/linux-x64-gnu/index.node')])).toBe('storage: libSQL native code');
    expect(categoryOf([frame('v8::internal::Heap::Scavenge', '/usr/bin/node')])).toBe('gc:native code (no JavaScript frame)');
  });

  it('splits the chosen package by function, and only that package', () => {
    expect(categoryOf([frame(provider)], 'oidc-provider')).toBe('oidc-provider validateAccessToken oidc-provider/lib/shared/access_token.js:8:44');
    expect(categoryOf([frame(ours)], 'oidc-provider')).toBe('ours:oidc/adapters/sql-adapter.js');
    // CommonJS modules are named by their plain path.
    expect(categoryOf([frame('JS:*respond /app/node_modules/koa/lib/application.js:288:18')], 'koa')).toBe('koa respond koa/lib/application.js:288:18');
    expect(categoryOf([frame(ours)], 'ours')).toBe('ours:oidc/adapters/sql-adapter.js find src/oidc/adapters/sql-adapter.js:32:15');
    // The baselines run the sources through tsx.
    expect(categoryOf([frame('JS:*find file:///checkout/src/oidc/adapters/sql-adapter.ts:40:9')], 'ours')).toBe('ours:oidc/adapters/sql-adapter.js find src/oidc/adapters/sql-adapter.ts:40:9');
  });
});

describe('byDifference', () => {
  const perOp = [
    new Map([['koa', 30], ['libsql', 10], ['kernel', 5]]),
    new Map([['koa', 20], ['kernel', 5]]),
    new Map([['koa', 29], ['libsql', 2], ['async_hooks', 12]]),
  ];

  it('ranks every category by the chosen servers\' difference, either way, largest first', () => {
    expect(byDifference(perOp, 0, 2)).toEqual(['async_hooks', 'libsql', 'kernel', 'koa']);
    expect(byDifference(perOp, 2, 1)).toEqual(['async_hooks', 'koa', 'kernel', 'libsql']);
  });
});
