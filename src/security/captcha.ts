// Human check on public forms. The default is ALTCHA: a proof of work the browser solves with
// the widget we serve ourselves; no third party sees the citizen. `CAPTCHA=off` disables it
// (tests). Another service (reCAPTCHA, hCaptcha, Turnstile) plugs in by implementing Captcha:
// `widget` tells the page what to render, `verify` checks the form's response server-side.
import { createChallenge, randomInt, verifySolution, type Challenge, type Solution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { randomUUID } from 'node:crypto';
import type { Throttle } from './throttles.js';

export interface Captcha {
  /** Which widget the pages render ('none' when disabled). */
  readonly widget: 'altcha' | 'none';
  /** The form field that carries the widget's response. */
  readonly field: string;
  /** A fresh challenge for the widget, when the widget fetches one. */
  challenge(): Promise<unknown>;
  /** True when the response proves the check was passed, and was not used before. */
  verify(response: unknown): Promise<boolean>;
}

export const disabledCaptcha: Captcha = {
  widget: 'none',
  field: 'altcha',
  challenge: async () => ({}),
  verify: async () => true,
};

export interface AltchaOptions {
  hmacSecret: string;
  keySecret: string;
  solutions: Throttle;
  now: () => Date;
  /** PBKDF2 iterations per attempt; the counter range sets how many attempts a browser makes. */
  cost?: number;
  counterRange?: [number, number];
}

const CHALLENGE_LIFETIME_SECONDS = 15 * 60;

interface AltchaPayload { challenge: Challenge; solution: Solution }

function parsePayload(response: unknown): AltchaPayload | undefined {
  if (typeof response !== 'string' || response.length > 4096) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(response, 'base64').toString('utf8')) as Partial<AltchaPayload>;
    return payload && typeof payload === 'object' && payload.challenge?.parameters && payload.solution ? payload as AltchaPayload : undefined;
  } catch {
    return undefined;
  }
}

export function altchaCaptcha(options: AltchaOptions): Captcha {
  const [minCounter, maxCounter] = options.counterRange ?? [5_000, 10_000];
  return {
    widget: 'altcha',
    field: 'altcha',
    challenge: () => createChallenge({
      algorithm: 'PBKDF2/SHA-256',
      cost: options.cost ?? 1_000,
      counter: randomInt(minCounter, maxCounter),
      deriveKey,
      data: { challengeId: randomUUID() },
      expiresAt: new Date(options.now().getTime() + CHALLENGE_LIFETIME_SECONDS * 1000),
      hmacSignatureSecret: options.hmacSecret,
      hmacKeySignatureSecret: options.keySecret,
    }),
    async verify(response) {
      const payload = parsePayload(response);
      if (!payload) return false;
      const expiresAt = payload.challenge.parameters.expiresAt;
      if (typeof expiresAt !== 'number' || expiresAt * 1000 <= options.now().getTime()) return false;
      const result = await verifySolution({
        challenge: payload.challenge,
        solution: payload.solution,
        deriveKey,
        hmacSignatureSecret: options.hmacSecret,
        hmacKeySignatureSecret: options.keySecret,
      }).catch(() => ({ verified: false }));
      if (!result.verified) return false;
      // Recorded only once verified, so a forged payload cannot fill the store.
      const challengeId = String(payload.challenge.parameters.data?.['challengeId'] ?? payload.challenge.parameters.nonce);
      return options.solutions.hit(challengeId);
    },
  };
}
