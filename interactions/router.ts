// Everything the browser touches, composed: interaction steps now; registration, password
// reset and the account console mount here as they arrive.
import Router from '@koa/router';
import type { InteractionDeps } from './interaction-deps.js';
import { csrfProtection } from './middleware/csrf.js';
import { interactionRoutes } from './routes/interaction.routes.js';
import { pageErrors } from './routes/page-errors.js';

export function createInteractionRouter(deps: InteractionDeps, csrfSecret: string): Router {
  const router = new Router();
  router.use(pageErrors, csrfProtection(csrfSecret, deps.config.secureCookies));
  const routes = interactionRoutes(deps);
  router.use(routes.routes(), routes.allowedMethods());
  return router;
}
