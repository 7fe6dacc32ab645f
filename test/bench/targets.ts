// The performance issue's targets, and whether a run meets them. The issue gives absolute figures
// per CPU-second, measured against its in-memory baseline on a faster day; on a shared host the
// baseline's own speed moves by 2× from hour to hour, so each is read as the ratio it stands for
// against that baseline (README, "Where Passerelle stands"), which the bench measures in the
// same run. Sign-ins also have an absolute floor, and every scenario must run without errors.

interface Target {
  /** Operations per CPU-second, Passerelle / baseline. */
  ratio: number;
  /** Operations per CPU-second whatever the baseline makes (sign-ins only). */
  perCpuSecond?: number;
}

/** Each scenario's target. */
export const TARGETS: Readonly<Record<string, Target>> = {
  discovery: { ratio: 30_000 / 16_000 },
  jwks: { ratio: 30_000 / 16_000 },
  'sign-in': { ratio: 0.9, perCpuSecond: 35 },
  refresh: { ratio: 1_500 / 1_957 },
  userinfo: { ratio: 5_000 / 9_524 },
};

/** The limit on the server's RSS as the last sign-in of a `--memory` round leaves it. */
export const RSS_LIMIT_MB = 250;
/** "Does not grow from one repetition to the next": what a second round leaves, at most this much above the first (RSS moves by a few MB between identical rounds). */
export const RSS_GROWTH_TOLERANCE = 0.05;

export interface Measured { opsPerCpuSecond: number; errors: number }

export interface Verdict {
  ratio: number;
  target: number;
  /** Sign-ins only: the absolute floor, per CPU-second. */
  perCpuSecond?: number;
  errors: number;
  met: boolean;
}

/** Passerelle's row against the in-memory baseline's, for a scenario with a target (else undefined). */
export function verdictOf(scenario: string, passerelle: Measured, baseline: Measured): Verdict | undefined {
  const target = TARGETS[scenario];
  if (!target) return undefined;
  const ratio = passerelle.opsPerCpuSecond / baseline.opsPerCpuSecond;
  const floor = target.perCpuSecond;
  const met = ratio >= target.ratio && passerelle.errors === 0 && (floor === undefined || passerelle.opsPerCpuSecond >= floor);
  return { ratio, target: target.ratio, ...(floor === undefined ? {} : { perCpuSecond: floor }), errors: passerelle.errors, met };
}

/** The table's cell: the target, and met or missed. */
export function verdictCell(verdict: Verdict | undefined): string {
  if (!verdict) return '';
  const floor = verdict.perCpuSecond === undefined ? '' : `, ${verdict.perCpuSecond}/s`;
  return `≥${verdict.target.toFixed(3)}x${floor} ${verdict.met ? 'met' : 'missed'}`;
}

export interface MemoryVerdict { limitMb: number; firstMb: number; secondMb: number; met: boolean }

/** RSS as the last of N sign-ins left it, then the last of 2N: under the limit both times, and flat. */
export function memoryVerdictOf(firstMb: number, secondMb: number): MemoryVerdict {
  const met = firstMb < RSS_LIMIT_MB && secondMb < RSS_LIMIT_MB && secondMb <= firstMb * (1 + RSS_GROWTH_TOLERANCE);
  return { limitMb: RSS_LIMIT_MB, firstMb, secondMb, met };
}
