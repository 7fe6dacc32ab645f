/** Emails compare trimmed and case-insensitively (SPEC §7). */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

// Deliberately permissive (RFC 5321 allows much); the activation email is the real check.
const EMAIL_SHAPE = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
export const looksLikeEmail = (email: string): boolean => email.length <= 254 && EMAIL_SHAPE.test(email.trim());
