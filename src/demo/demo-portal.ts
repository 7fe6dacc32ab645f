// "Vos démarches en ligne": a small relying party for newcomers (`npm run demo`). It uses
// openid-client like a real service would: authorization code with PKCE, state and nonce, the
// ID token's claims and userinfo shown back, and RP-initiated logout.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Koa from 'koa';
import Router from '@koa/router';
import views from 'koa-views';
import * as oidc from 'openid-client';
import { projectRoot } from '../paths.js';

export interface DemoPortalOptions { issuer: string; clientId: string; clientSecret: string; url: string; brand: string }

interface Visit { verifier?: string; state?: string; nonce?: string; claims?: Record<string, unknown>; idToken?: string }

export async function createDemoPortal(options: DemoPortalOptions): Promise<Koa> {
  const config = await oidc.discovery(new URL(options.issuer), options.clientId, options.clientSecret, oidc.ClientSecretBasic(options.clientSecret),
    options.issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : undefined);
  const visits = new Map<string, Visit>();
  const app = new Koa();
  app.keys = [randomBytes(32).toString('hex')];
  const router = new Router();

  const visitOf = (ctx: Koa.Context): Visit => {
    let id = ctx.cookies.get('demo.visit', { signed: true });
    if (!id || !visits.has(id)) {
      id = randomBytes(16).toString('base64url');
      visits.set(id, {});
      ctx.cookies.set('demo.visit', id, { httpOnly: true, sameSite: 'lax', signed: true });
    }
    return visits.get(id)!;
  };

  router.get('/', async (ctx) => {
    const visit = visitOf(ctx);
    await ctx.render('home', { brand: options.brand, claims: visit.claims, account: `${options.issuer}/account` });
  });

  router.get('/login', async (ctx) => {
    const visit = visitOf(ctx);
    visit.verifier = oidc.randomPKCECodeVerifier();
    visit.state = oidc.randomState();
    visit.nonce = oidc.randomNonce();
    ctx.redirect(oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${options.url}/callback`,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(visit.verifier),
      code_challenge_method: 'S256',
      state: visit.state,
      nonce: visit.nonce,
    }).toString());
  });

  router.get('/callback', async (ctx) => {
    const visit = visitOf(ctx);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(ctx.href, options.url), {
      pkceCodeVerifier: visit.verifier, expectedState: visit.state, expectedNonce: visit.nonce, idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    Object.assign(visit, { claims: { ...claims, ...userinfo }, idToken: tokens.id_token, verifier: undefined, state: undefined, nonce: undefined });
    ctx.redirect('/');
  });

  router.get('/logout', (ctx) => {
    const visit = visitOf(ctx);
    const idToken = visit.idToken;
    visit.claims = undefined;
    visit.idToken = undefined;
    if (!idToken) return ctx.redirect('/');
    ctx.redirect(oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: `${options.url}/` }).toString());
  });

  app.use(views(path.join(projectRoot, 'interactions', 'demo'), { extension: 'pug' }));
  app.use(router.routes());
  return app;
}
