// oidc-provider keeps the request under way in this AsyncLocalStorage (`Provider.ctx` reads it):
// the adapter contract tests run lookups inside it as a request would.
declare module 'oidc-provider/lib/helpers/als.js' {
  import type { AsyncLocalStorage } from 'node:async_hooks';
  const requestContext: AsyncLocalStorage<object>;
  export default requestContext;
}
