import { describe, expect, test } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config/env.js';

describe('configuration', () => {
  test('happy path: no setting at all gives the embedded defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000, ISSUER: 'http://localhost:3000', DATABASE_URL: 'file:./data/passerelle.db', REDIS_PREFIX: 'passerelle:',
      CLIENTS_FILE: './clients.json', CAPTCHA: 'altcha', BRAND_NAME: 'NC Connect', LOCKOUT_THRESHOLD: 5, LOCKOUT_MINUTES: 30,
      SIGNIN_IP_LIMIT: 30, TRUST_PROXY: false, THREAD_POOL_NICE: 10, IDLE_MEMORY_RELEASE_S: 10, OUTBOUND_ALLOWED_NETWORKS: [],
      production: false, secureCookies: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('happy path: ISSUER follows PORT unless given, and https turns on secure cookies', () => {
    expect(loadConfig({ PORT: '8080' }).ISSUER).toBe('http://localhost:8080');
    expect(loadConfig({ ISSUER: 'https://connect.gouv.nc/' })).toMatchObject({ ISSUER: 'https://connect.gouv.nc', secureCookies: true });
  });

  test('sad path: production without secrets, https issuer and mail refuses with one line naming each', () => {
    const start = () => loadConfig({ NODE_ENV: 'production', ISSUER: 'http://connect.gouv.nc' });
    expect(start).toThrow(ConfigError);
    try {
      start();
    } catch (error) {
      const message = (error as Error).message;
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toContain('COOKIE_KEYS');
      expect(message).toContain('ISSUER');
      expect(message).toContain('SMTP_URL');
    }
  });

  test('happy path: production with every secret starts', () => {
    const config = loadConfig({ NODE_ENV: 'production', ISSUER: 'https://connect.gouv.nc', COOKIE_KEYS: 'a'.repeat(32), SMTP_URL: 'smtp://mail:587' });
    expect(config).toMatchObject({ production: true, COOKIE_KEYS: ['a'.repeat(32)] });
  });

  test('happy path: OUTBOUND_ALLOWED_NETWORKS takes CIDR blocks and lone addresses, IPv4 and IPv6', () => {
    expect(loadConfig({ OUTBOUND_ALLOWED_NETWORKS: ' 10.20.0.0/16, fd00:20::/48,192.168.7.7 ,' }).OUTBOUND_ALLOWED_NETWORKS)
      .toEqual(['10.20.0.0/16', 'fd00:20::/48', '192.168.7.7']);
  });

  test.each([
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL must start with file:'],
    ['PORT', 'eighty', 'PORT'],
    ['COOKIE_KEYS', 'short', '32 or more characters'],
    ['LOCKOUT_THRESHOLD', '0', 'LOCKOUT_THRESHOLD must be at least 1'],
    ['TRUST_PROXY', 'maybe', 'TRUST_PROXY'],
    ['REDIS_URL', 'localhost:6379', 'REDIS_URL must start with redis://'],
    ['ARGON2_MEMORY_KIB', '1024', 'ARGON2_MEMORY_KIB must be at least 8192'],
    ['ARGON2_PARALLELISM', '64', 'ARGON2_PARALLELISM must be at most 16'],
    ['BRAND_COLOR', 'blue', 'BRAND_COLOR must be a colour like #000091'],
    ['TIME_ZONE', 'Mars/Olympus', 'TIME_ZONE must be an IANA time zone'],
    ['SMS_WEBHOOK_URL', 'not a url', 'SMS_WEBHOOK_URL must be an absolute URL'],
    ['METRICS_TOKEN', 'short', 'METRICS_TOKEN needs 16 or more characters'],
    ['THREAD_POOL_NICE', '20', 'THREAD_POOL_NICE must be a whole number from 0 to 19'],
    ['THREAD_POOL_NICE', '-5', 'THREAD_POOL_NICE must be a whole number from 0 to 19'],
    ['THREAD_POOL_NICE', 'low', 'THREAD_POOL_NICE must be a whole number from 0 to 19'],
    ['IDLE_MEMORY_RELEASE_S', '1.5', 'IDLE_MEMORY_RELEASE_S must be a whole number of seconds from 0 to 3600'],
    ['IDLE_MEMORY_RELEASE_S', '86400', 'IDLE_MEMORY_RELEASE_S must be a whole number of seconds from 0 to 3600'],
    ['OUTBOUND_ALLOWED_NETWORKS', '10.20.0.0/33', '10.20.0.0/33 is not a network: write addresses or CIDR blocks'],
    ['OUTBOUND_ALLOWED_NETWORKS', '10.20.0.0/16,intranet.local', 'intranet.local is not a network'],
    ['OUTBOUND_ALLOWED_NETWORKS', 'fd00::/8/8', 'fd00::/8/8 is not a network'],
    ['OUTBOUND_ALLOWED_NETWORKS', '10.0.0.0/', '10.0.0.0/ is not a network'],
  ])('sad path: a bad %s is named with how to fix it', (name, value, expected) => {
    expect(() => loadConfig({ [name]: value })).toThrow(expected);
  });
});
