// finishInteraction: what oidc-provider's interactionFinished does, on an interaction already read.
import { describe, expect, test } from '@jest/globals';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa from 'koa';
import { finishInteraction, type Interaction } from '../../src/oidc/finish-interaction.js';

function contextAndInteraction(secondsLeft: number) {
  const req = new IncomingMessage(new Socket());
  const ctx = new Koa().createContext(req, new ServerResponse(req));
  const saved: number[] = [];
  const interaction = {
    exp: Math.floor(Date.now() / 1000) + secondsLeft,
    lastSubmission: { login: { accountId: 'account-1' } },
    returnTo: 'https://idp.test/auth/uid-1',
    result: undefined,
    save: async (ttl: number) => { saved.push(ttl); return 'uid-1'; },
  } as unknown as Interaction;
  return { ctx, interaction, saved };
}

describe('finishInteraction', () => {
  test('saves the result for the rest of the lifetime and sends the browser back with a 303', async () => {
    const { ctx, interaction, saved } = contextAndInteraction(600);
    await finishInteraction(ctx, interaction, { consent: { grantId: 'grant-1' } }, { mergeWithLastSubmission: true });
    expect(interaction.result).toEqual({ login: { accountId: 'account-1' }, consent: { grantId: 'grant-1' } });
    expect(saved[0]).toBeGreaterThanOrEqual(599);
    expect(saved[0]).toBeLessThanOrEqual(600);
    expect(ctx.status).toBe(303);
    expect(ctx.response.get('Location')).toBe('https://idp.test/auth/uid-1');
  });

  test('an error, or mergeWithLastSubmission false, replaces what was submitted before', async () => {
    const refused = contextAndInteraction(600);
    await finishInteraction(refused.ctx, refused.interaction, { error: 'access_denied' }, { mergeWithLastSubmission: true });
    expect(refused.interaction.result).toEqual({ error: 'access_denied' });
    const login = contextAndInteraction(600);
    await finishInteraction(login.ctx, login.interaction, { login: { accountId: 'account-2' } }, { mergeWithLastSubmission: false });
    expect(login.interaction.result).toEqual({ login: { accountId: 'account-2' } });
  });

  test('an interaction at the end of its life is saved with what is left of it (the adapters keep it a second, never without a lifetime)', async () => {
    const { ctx, interaction, saved } = contextAndInteraction(-3);
    await finishInteraction(ctx, interaction, { login: { accountId: 'account-1' } }, { mergeWithLastSubmission: false });
    expect(saved).toEqual([-3]);
  });
});
