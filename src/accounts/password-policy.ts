// The password rule of SPEC §7: 8 to 256 characters; under 14, an uppercase letter, a lowercase
// letter and a digit; never a common password. The common list is zxcvbn-ts's (about 49,000
// passwords, French ones included), shipped with the application, never fetched.
import { dictionary } from '@zxcvbn-ts/language-common';
import { normalizeEmail } from './email.js';

export type PasswordProblem = 'password_too_short' | 'password_too_long' | 'password_too_simple' | 'password_common';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
const LONG_ENOUGH_FOR_ANY_CHARACTERS = 14;

const COMMON = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
export const COMMON_PASSWORD_COUNT = COMMON.size;

/** "Soleil2024!" is "soleil" with a suffix: as weak as the word itself. */
function isCommon(password: string, email: string | undefined): boolean {
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d\W_]{1,6}$/u, '');
  if (COMMON.has(lower) || (stem.length >= 4 && COMMON.has(stem))) return true;
  if (!email) return false;
  const localPart = normalizeEmail(email).split('@')[0] ?? '';
  return lower === normalizeEmail(email) || (localPart.length >= 4 && stem === localPart);
}

export function passwordProblem(password: string, context: { email?: string } = {}): PasswordProblem | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return 'password_too_short';
  if (length > PASSWORD_MAX) return 'password_too_long';
  if (length < LONG_ENOUGH_FOR_ANY_CHARACTERS && !(/\p{Lu}/u.test(password) && /\p{Ll}/u.test(password) && /\d/.test(password))) {
    return 'password_too_simple';
  }
  if (isCommon(password, context.email)) return 'password_common';
  return undefined;
}
