// Everything the browser touches, composed: interaction steps, registration and account
// links, password reset, the account console, the admin console.
import Router from '@koa/router';
import type { InteractionDeps } from './interaction-deps.js';
import { csrfProtection } from './middleware/csrf.js';
import { accountRoutes } from './routes/account.routes.js';
import { contentRoutes } from './routes/content.routes.js';
import { adminRoutes } from './routes/admin.routes.js';
import { accountLinkRoutes } from './routes/account-links.routes.js';
import { interactionRoutes } from './routes/interaction.routes.js';
import { passwordRoutes } from './routes/password.routes.js';
import { registrationRoutes } from './routes/registration.routes.js';
import { pageErrors } from './routes/page-errors.js';

/**
 * One router: the nested routers' routes are copied into it, so the app's one `allowedMethods()`
 * (405 and OPTIONS) covers them all; each nested router's own would be one more layer that every
 * request is matched against and every page passes through.
 */
export function createInteractionRouter(deps: InteractionDeps, csrfSecret: string): Router {
  const router = new Router();
  router.use(pageErrors, csrfProtection(csrfSecret, deps.config.secureCookies));
  for (const routes of [interactionRoutes(deps), registrationRoutes(deps), accountLinkRoutes(deps), passwordRoutes(deps), accountRoutes(deps), adminRoutes(deps), contentRoutes(deps)]) {
    router.use(routes.routes());
  }
  return router;
}
