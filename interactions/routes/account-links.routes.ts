// The links of emails that act on an account: activation (and back to the authorization
// request the citizen started from) and unlock. Transport only.
import Router from '@koa/router';
import { errors as oidcErrors } from 'oidc-provider';
import { z } from 'zod';
import { FlowError } from '../../src/errors.js';
import { activateAccount } from '../../src/flows/activation.flow.js';
import { unlockWithLink } from '../../src/flows/lockout.flow.js';
import { finishInteraction } from '../../src/oidc/finish-interaction.js';
import type { InteractionDeps } from '../interaction-deps.js';
import { requireCsrfToken } from '../middleware/csrf.js';
import { formBody, readForm } from '../middleware/form-body.js';
import { renderPage } from '../render-page.js';
import { requestContext } from '../request-context.js';

/** Long enough to read the page and press the button, short enough to be useless if copied. */
const TICKET_SECONDS = 15 * 60;

export function accountLinkRoutes(deps: InteractionDeps): Router {
  const { flows, activationTickets } = deps;
  const provider = () => deps.provider; // the live provider, looked up per request
  const router = new Router();

  router.get('/activate', async (ctx) => {
    const { accountId, resume } = await activateAccount(flows, ctx.query['token'], requestContext(ctx));
    const client = resume && await provider().Client.find(resume.clientId);
    const continueTo = resume && client
      ? { uid: resume.uid, serviceName: client.clientName ?? client.clientId, ticket: activationTickets.issue({ accountId, uid: resume.uid, clientId: client.clientId }, TICKET_SECONDS) }
      : undefined;
    return renderPage(ctx, 'activated', { resume: continueTo });
  });

  // "Continuer vers <service>": finishes the authorization request, signed in. It works only in
  // the browser that started that request, which holds its interaction cookie.
  router.post('/interaction/:uid/activated', formBody, requireCsrfToken, async (ctx) => {
    const { ticket } = readForm(ctx, z.object({ ticket: z.string().max(2048) }));
    const fields = activationTickets.read(ticket);
    if (!fields || fields['uid'] !== ctx.params['uid']) throw new FlowError('link_invalid');
    try {
      const details = await provider().interactionDetails(ctx.req, ctx.res);
      if (details.uid !== fields['uid']) throw new FlowError('link_invalid');
      await flows.audit.record('sign_in.succeeded', { accountId: fields['accountId'], clientId: fields['clientId'], ip: ctx.ip, detail: 'after activation' });
      await finishInteraction(ctx, details, { login: { accountId: fields['accountId']!, amr: ['pwd'] } }, { mergeWithLastSubmission: false });
    } catch (error) {
      if (!(error instanceof oidcErrors.SessionNotFound)) throw error;
      // Another browser, or the request expired: the account is active, the citizen goes back to the service.
      const client = await provider().Client.find(fields['clientId']!);
      return renderPage(ctx, 'resume-expired', { serviceName: client?.clientName ?? fields['clientId'], serviceUri: client?.clientUri });
    }
  });

  router.get('/unlock', async (ctx) => {
    await unlockWithLink(flows, ctx.query['token'], requestContext(ctx));
    return renderPage(ctx, 'unlocked');
  });

  return router;
}
