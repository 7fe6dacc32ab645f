// The optional mobile number and where reset codes go (email or SMS), as on the provincial
// portal of seed 000.
import { assertNoProblems } from '../errors.js';
import type { Account } from '../storage/prisma.js';
import type { FlowDeps, RequestContext } from './flow-deps.js';

export type ContactChannel = 'email' | 'sms';

/** "+687 12 34 56", "12.34.56" (a New Caledonian number), "+33 6 12 34 56 78" → E.164. */
export function normalizePhone(input: string, defaultCountryCode = '687'): string | undefined {
  // "+33 (0)6…": the trunk zero in brackets is not dialled from abroad.
  const compact = input.replace(/\(0\)/g, '').replace(/[\s.\-()]/g, '');
  if (/^\+\d{8,15}$/.test(compact)) return compact;
  if (/^00\d{8,15}$/.test(compact)) return `+${compact.slice(2)}`;
  if (/^\d{6}$/.test(compact)) return `+${defaultCountryCode}${compact}`;
  return undefined;
}

export interface ContactForm { phone: string; channel: string }

export async function updateContact(deps: FlowDeps, account: Account, form: ContactForm, request: RequestContext): Promise<void> {
  const phone = form.phone.trim() ? normalizePhone(form.phone) : null;
  const channel: ContactChannel = form.channel === 'sms' ? 'sms' : 'email';
  assertNoProblems({
    phone: phone === undefined ? 'phone_invalid' : channel === 'sms' && !phone ? 'phone_required' : undefined,
    channel: ['email', 'sms'].includes(form.channel) ? undefined : 'required',
  });
  await deps.db.account.update({ where: { id: account.id }, data: { phone, contactChannel: channel } });
  await deps.audit.record('account.contact_changed', { accountId: account.id, ip: request.ip, detail: `channel ${channel}` });
}
