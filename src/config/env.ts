// The only module that reads process.env: parsed once at boot, validated whole, frozen.
import { z } from 'zod';
import { parseNetwork } from './networks.js';

const booleanString = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const positiveInt = (name: string) => z.coerce.number({ error: `${name} must be a whole number` }).int().min(1, { error: `${name} must be at least 1` });
/** A whole number from `min` to `max` (of `unit`), with one message for every way to miss it. */
const wholeNumber = (name: string, min: number, max: number, unit = '') => {
  const error = `${name} must be a whole number${unit} from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535, { error: 'PORT must be between 0 and 65535' }).default(3000),
  ISSUER: z.url({ error: 'ISSUER must be an absolute URL, e.g. https://connect.example.gov' }).optional(),
  DATABASE_URL: z.string().regex(/^(file:|postgres(ql)?:\/\/)/, { error: 'DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)' }).default('file:./data/passerelle.db'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, { error: 'REDIS_URL must start with redis:// or rediss://' }).optional(),
  REDIS_PREFIX: z.string().min(1).max(64).default('passerelle:'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, { error: 'SMTP_URL must start with smtp:// or smtps://' }).optional(),
  MAIL_FROM: z.string().min(3).default('NC Connect <no-reply@localhost>'),
  SMS_WEBHOOK_URL: z.url({ error: 'SMS_WEBHOOK_URL must be an absolute URL, e.g. https://sms-gateway.internal/send' }).optional(),
  SMS_WEBHOOK_TOKEN: z.string().min(1).optional(),
  CLIENTS_FILE: z.string().min(1).default('./clients.json'),
  CAPTCHA: z.enum(['altcha', 'off'], { error: 'CAPTCHA must be altcha or off' }).default('altcha'),
  BRAND_NAME: z.string().min(1).max(80).default('NC Connect'),
  BRAND_COLOR: z.string().regex(/^#[0-9a-fA-F]{6}$/, { error: 'BRAND_COLOR must be a colour like #000091' }).default('#000091'),
  BRAND_LOGO_FILE: z.string().regex(/\.(svg|png)$/i, { error: 'BRAND_LOGO_FILE must be an .svg or .png file' }).optional(),
  CONTENT_DIR: z.string().min(1).default('./content'),
  ARGON2_MEMORY_KIB: positiveInt('ARGON2_MEMORY_KIB').pipe(z.number().min(8_192, { error: 'ARGON2_MEMORY_KIB must be at least 8192 (8 MiB)' })).default(19_456),
  ARGON2_TIME_COST: positiveInt('ARGON2_TIME_COST').default(2),
  ARGON2_PARALLELISM: positiveInt('ARGON2_PARALLELISM').pipe(z.number().max(16, { error: 'ARGON2_PARALLELISM must be at most 16' })).default(1),
  LOCKOUT_THRESHOLD: positiveInt('LOCKOUT_THRESHOLD').default(5),
  LOCKOUT_MINUTES: positiveInt('LOCKOUT_MINUTES').default(30),
  SIGNIN_IP_LIMIT: positiveInt('SIGNIN_IP_LIMIT').default(30),
  COOKIE_KEYS: z.string().transform((v) => v.split(',').map((k) => k.trim()).filter(Boolean))
    .pipe(z.array(z.string().min(32, { error: 'each COOKIE_KEYS entry needs 32 or more characters (openssl rand -hex 32)' })).min(1)).optional(),
  JWKS_FILE: z.string().min(1).optional(),
  TRUST_PROXY: booleanString.default(false),
  DYNAMIC_REGISTRATION: booleanString.default(false),
  METRICS_TOKEN: z.string().min(16, { error: 'METRICS_TOKEN needs 16 or more characters' }).optional(),
  TIME_ZONE: z.string().refine((zone) => { try { new Intl.DateTimeFormat('fr', { timeZone: zone }); return true; } catch { return false; } },
    { error: 'TIME_ZONE must be an IANA time zone, e.g. Pacific/Noumea' }).default('Pacific/Noumea'),
  DATA_DIR: z.string().min(1).default('./data'),
  THREAD_POOL_NICE: wholeNumber('THREAD_POOL_NICE', 0, 19).default(10),
  IDLE_MEMORY_RELEASE_S: wholeNumber('IDLE_MEMORY_RELEASE_S', 0, 3_600, ' of seconds').default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OUTBOUND_ALLOWED_NETWORKS: z.string().default('').transform((list) => list.split(',').map((network) => network.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine((network) => parseNetwork(network) !== undefined, {
      error: (issue) => `${String(issue.input)} is not a network: write addresses or CIDR blocks, comma-separated (e.g. 10.20.0.0/16,fd00:20::/48)`,
    }))),
}).superRefine((env, ctx) => {
  if (env.NODE_ENV !== 'production') return;
  const missing = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (!env.COOKIE_KEYS) missing('COOKIE_KEYS', 'required in production (comma-separated, 32+ characters each: openssl rand -hex 32)');
  if (!env.ISSUER?.startsWith('https://')) missing('ISSUER', 'required in production and must be https://');
  if (!env.SMTP_URL) missing('SMTP_URL', 'required in production: activation and reset emails must be delivered');
});

export type Env = z.infer<typeof EnvSchema>;
export type Config = Readonly<Omit<Env, 'ISSUER'> & { ISSUER: string; production: boolean; secureCookies: boolean }>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once; lists every problem, each with how to fix it, on one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const parsed = result.data;
  const issuer = (parsed.ISSUER ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    ...parsed,
    ISSUER: issuer,
    production: parsed.NODE_ENV === 'production',
    secureCookies: issuer.startsWith('https://'),
  });
}
