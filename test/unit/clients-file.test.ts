import { describe, expect, test } from '@jest/globals';
import { ClientsFileError, parseClients } from '../../src/config/clients.js';

const valid = { client_id: 'tax', client_secret: 's'.repeat(40), redirect_uris: ['https://impots.example/cb'] };
const parse = (clients: unknown, env = {}) => parseClients(JSON.stringify(clients), 'clients.json', env);

describe('clients.json', () => {
  test('happy path: a valid file parses, first_party and secrets from the environment included', () => {
    const [client] = parse([{ ...valid, client_secret: undefined, client_secret_env: 'TAX_SECRET', first_party: true }], { TAX_SECRET: 'x'.repeat(40) });
    expect(client).toMatchObject({ client_id: 'tax', client_secret: 'x'.repeat(40), first_party: true });
    expect(client).not.toHaveProperty('client_secret_env');
  });

  test.each([
    [[{ ...valid, redirect_uris: ['not a url'] }], 'clients.json: client "tax": redirect_uris[0] must be an absolute http(s) URL'],
    [[{ ...valid, first_party: 'yes' }], 'clients.json: client "tax": first_party must be true or false'],
    [[{ ...valid, grant_types: ['password'] }], 'clients.json: client "tax": grant_types[0] must be authorization_code, refresh_token or client_credentials'],
    [[{ redirect_uris: [] }], 'clients.json: client #1: client_id is required'],
    [[valid, valid], 'clients.json: client "tax": client_id is used twice'],
    [[{ ...valid, client_secret: undefined, client_secret_env: 'NOPE' }], 'clients.json: client "tax": client_secret_env names NOPE, which is not set'],
    [{ client_id: 'tax' }, 'clients.json: expected an array of client objects'],
  ])('sad path: %j stops the start with one line', (clients, message) => {
    expect(() => parse(clients)).toThrow(new ClientsFileError(message));
  });

  test('sad path: broken JSON is reported with the file name', () => {
    expect(() => parseClients('[{', 'clients.json')).toThrow(/^clients\.json: not valid JSON/);
  });
});
