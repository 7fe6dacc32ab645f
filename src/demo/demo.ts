// `npm run demo`: Passerelle on its embedded defaults, plus the demo portal beside it
// (DEMO_PORT, default 3001), registered as a client at each start with a fresh secret.
import { randomBytes } from 'node:crypto';
import { saveClient } from '../clients/client-registry.js';
import { ConfigError, loadConfig } from '../config/env.js';
import { startServer } from '../server.js';
import { createDemoPortal } from './demo-portal.js';

try {
  const config = loadConfig();
  if (config.production) throw new ConfigError('npm run demo is for development: it registers a demo client');
  const running = await startServer(config);
  const port = Number(process.env['DEMO_PORT'] ?? 3001);
  const url = `http://localhost:${port}`;
  const clientSecret = randomBytes(32).toString('base64url');
  await saveClient(running.deps.clients, {
    client_id: 'demo-portal',
    client_secret: clientSecret,
    client_name: 'Vos démarches en ligne (démo)',
    client_uri: `${url}/`,
    redirect_uris: [`${url}/callback`],
    post_logout_redirect_uris: [`${url}/`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    first_party: true,
  });
  const portal = await createDemoPortal({ issuer: config.ISSUER, clientId: 'demo-portal', clientSecret, url, brand: config.BRAND_NAME });
  portal.listen(port, () => {
    console.log(`\n  Demo portal: ${url}  (provider: ${config.ISSUER}, create an account at ${config.ISSUER}/register)\n`);
  });
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
