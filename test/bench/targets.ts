// The performance issue's targets, and whether a run meets them. The issue gives absolute figures
// per CPU-second, measured against its in-memory baseline on a faster day; on a shared host the
// baseline's own speed moves by 2× from hour to hour, so each is read as the ratio it stands for
// against that baseline (README, "Where Passerelle stands"), which the bench measures in the
// same run. Sign-ins also have an absolute floor, and every scenario must run without errors.

/** Operations per CPU-second, Passerelle / baseline, that each scenario must reach. */
export const TARGET_RATIOS: Readonly<Record<string, number>> = {
  discovery: 30_000 / 16_000,
  jwks: 30_000 / 16_000,
  'sign-in': 0.9,
  refresh: 1_500 / 1_957,
  userinfo: 5_000 / 9_524,
};

/** Full sign-ins per CPU-second, whatever the baseline makes. */
export const SIGN_INS_PER_CPU_SECOND = 35;

/** The server's RSS after the sign-ins of `--memory`, and how much more a second round may leave. */
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
  const target = TARGET_RATIOS[scenario];
  if (target === undefined) return undefined;
  const ratio = passerelle.opsPerCpuSecond / baseline.opsPerCpuSecond;
  const floor = scenario === 'sign-in' ? SIGN_INS_PER_CPU_SECOND : undefined;
  const met = ratio >= target && passerelle.errors === 0 && (floor === undefined || passerelle.opsPerCpuSecond >= floor);
  return { ratio, target, ...(floor === undefined ? {} : { perCpuSecond: floor }), errors: passerelle.errors, met };
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
