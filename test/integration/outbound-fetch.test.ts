// The provider's own outgoing requests (src/oidc/outbound-fetch.ts): special-use addresses are
// refused unless in OUTBOUND_ALLOWED_NETWORKS, checked against real connections on this machine.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOutboundFetch, OutboundAddressRefused, refusesAddress } from '../../src/oidc/outbound-fetch.js';

describe('which addresses the provider refuses to reach', () => {
  test('loopback, private, link-local and other special-use addresses, by default', () => {
    const refused = refusesAddress([]);
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.9', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::ffff:127.0.0.1', 'fd00::5', 'fe80::1']) {
      expect([address, refused(address)]).toEqual([address, true]);
    }
    for (const address of ['93.184.215.14', '2a00:1450:4007:80e::200e', '::ffff:93.184.215.14']) {
      expect([address, refused(address)]).toEqual([address, false]);
    }
  });

  test('none in the networks the operator allows, and only those', () => {
    const refused = refusesAddress(['10.20.0.0/16', 'fd00:20::/48', '192.168.7.7']);
    expect(['10.20.0.1', '10.20.255.254', 'fd00:20::1', '192.168.7.7'].map(refused)).toEqual([false, false, false, false]);
    expect(['10.21.0.1', 'fd00:21::1', '192.168.7.8', '127.0.0.1'].map(refused)).toEqual([true, true, true, true]);
  });
});

describe('outgoing requests on a real connection', () => {
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('notified');
  });
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('to a special-use address outside the allowed networks: refused before anything is sent', async () => {
    const outbound = createOutboundFetch(['10.0.0.0/8']);
    try {
      const failure = await outbound.fetch(url, { method: 'POST', body: new URLSearchParams({ logout_token: 'x' }) }).then(() => undefined, (error: unknown) => error);
      expect((failure as Error | undefined)?.cause).toBeInstanceOf(OutboundAddressRefused);
      expect(((failure as Error).cause as OutboundAddressRefused).address).toBe('127.0.0.1');
      expect(received).toEqual([]);
    } finally {
      await outbound.close();
    }
  });

  test('to an allowed network: sent and answered, as oidc-provider sends its notices', async () => {
    const outbound = createOutboundFetch(['127.0.0.0/8']);
    try {
      const response = await outbound.fetch(url, {
        method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(2500),
        headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }), body: new URLSearchParams({ logout_token: 'x' }),
      });
      expect([response.status, await response.text()]).toEqual([200, 'notified']);
      expect(received).toEqual(['POST /backchannel']);
    } finally {
      await outbound.close();
    }
  });
});
