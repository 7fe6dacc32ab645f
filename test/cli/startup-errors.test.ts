// A misconfigured start stops with one line that says what is wrong.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { runEntryPoint } from '../support/run-command.js';
import { createTestStorage, type TestStorage } from '../support/test-server.js';

describe('start-up errors', () => {
  let storage: TestStorage;
  beforeAll(async () => { storage = await createTestStorage('sqlite'); });
  afterAll(async () => { await storage.dispose(); });

  test('sad path: a broken clients.json names the client and the field, and the server does not start', async () => {
    const file = `${storage.env['DATA_DIR']}/broken-clients.json`;
    writeFileSync(file, JSON.stringify([{ client_id: 'tax', client_secret: 's'.repeat(40), redirect_uris: ['ftp://nope'] }]));
    const result = await runEntryPoint('src/main.ts', [], { ...storage.env, CLIENTS_FILE: file, PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`${file}: client "tax": redirect_uris[0] must be an absolute http(s) URL`);
  });

  test('sad path: a client the provider rejects is named too, and nothing is stored', async () => {
    const file = `${storage.env['DATA_DIR']}/rejected-clients.json`;
    writeFileSync(file, JSON.stringify([{ client_id: 'spa', redirect_uris: ['http://spa.test/cb'], token_endpoint_auth_method: 'client_secret_basic' }]));
    const result = await runEntryPoint('src/main.ts', [], { ...storage.env, CLIENTS_FILE: file, PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('client "spa": client_secret');
  });

  test('sad path: production without secrets refuses to start with one line', async () => {
    const result = await runEntryPoint('src/main.ts', [], { ...storage.env, NODE_ENV: 'production', PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^Invalid configuration: COOKIE_KEYS: required in production/);
  });
});
