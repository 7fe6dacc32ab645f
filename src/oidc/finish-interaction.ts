// Ends an interaction with its result and sends the browser back to the authorization endpoint:
// what oidc-provider's `interactionFinished` does, on the interaction the route has already
// read with `interactionDetails`. The library's version reads it again (the cookie, its
// signature, one more lookup in the store), on every sign-in.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';

export type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

export async function finishInteraction(ctx: Context, interaction: Interaction, result: InteractionResults, { mergeWithLastSubmission }: { mergeWithLastSubmission: boolean }): Promise<void> {
  interaction.result = mergeWithLastSubmission && !('error' in result) ? { ...interaction.lastSubmission, ...result } : result;
  // The interaction keeps the rest of its lifetime, as the library's version does.
  await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
  ctx.status = 303;
  ctx.redirect(interaction.returnTo);
}
