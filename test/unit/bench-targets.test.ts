// The bench's reading of the performance issue's targets: each a ratio to the in-memory baseline,
// sign-ins with an absolute floor too, zero errors everywhere, and memory under a limit and flat.
import { describe, expect, it } from '@jest/globals';
import { memoryVerdictOf, verdictCell, verdictOf } from '../bench/targets.js';

const run = (opsPerCpuSecond: number, errors = 0) => ({ opsPerCpuSecond, errors });

describe('verdictOf', () => {
  it('reads each target as the ratio the issue stands for: 1,500 / 1,957 refreshes, 5,000 / 9,524 userinfos', () => {
    expect(verdictOf('refresh', run(1_500), run(1_957))).toMatchObject({ met: true });
    expect(verdictOf('refresh', run(1_499), run(1_957))).toMatchObject({ met: false });
    expect(verdictOf('userinfo', run(5_000), run(9_524))).toMatchObject({ met: true });
    expect(verdictOf('userinfo', run(4_990), run(9_524))).toMatchObject({ met: false });
    expect(verdictOf('jwks', run(30_000), run(16_000))).toMatchObject({ met: true, target: 1.875 });
    expect(verdictOf('discovery', run(29_000), run(16_000))).toMatchObject({ met: false });
  });

  it('holds on a slower host: the same ratio meets the target whatever the baseline made', () => {
    expect(verdictOf('refresh', run(750), run(978))?.met).toBe(true);
    expect(verdictOf('refresh', run(740), run(978))?.met).toBe(false);
  });

  it('asks sign-ins for 0.9x the baseline and 35 per CPU-second', () => {
    expect(verdictOf('sign-in', run(36), run(39))).toMatchObject({ met: true, perCpuSecond: 35 });
    expect(verdictOf('sign-in', run(34), run(30))).toMatchObject({ met: false });
    expect(verdictOf('sign-in', run(40), run(45))).toMatchObject({ met: false });
  });

  it('misses a target with a single error', () => {
    expect(verdictOf('userinfo', run(9_000, 1), run(9_524))).toMatchObject({ met: false, errors: 1 });
  });

  it('judges nothing for a scenario without a target', () => {
    expect(verdictOf('logout', run(1), run(1))).toBeUndefined();
    expect(verdictCell(undefined)).toBe('');
  });

  it('prints the target and the verdict in one cell', () => {
    expect(verdictCell(verdictOf('refresh', run(1_400), run(1_957)))).toBe('≥0.766x missed');
    expect(verdictCell(verdictOf('sign-in', run(40), run(39)))).toBe('≥0.900x, 35/s met');
  });
});

describe('memoryVerdictOf', () => {
  it('wants both rounds under 250 MB and the second no more than 5 % above the first', () => {
    expect(memoryVerdictOf(216, 208).met).toBe(true);
    expect(memoryVerdictOf(207, 217).met).toBe(true);
    expect(memoryVerdictOf(207, 218).met).toBe(false);
    expect(memoryVerdictOf(250, 240).met).toBe(false);
    expect(memoryVerdictOf(240, 250).met).toBe(false);
  });
});
