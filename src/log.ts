// Structured JSON logs. Secrets never reach them: known sensitive keys are redacted wherever
// they appear, and the code logs identifiers and error codes, not emails or tokens.
import { pino, type Logger } from 'pino';

const SENSITIVE = ['password', 'passwordHash', 'token', 'code', 'code_verifier', 'client_secret', 'refresh_token',
  'access_token', 'id_token', 'cookie', 'authorization', 'email', 'secret', 'jwk'];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const paths = SENSITIVE.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
  return pino({ level, base: undefined, redact: { paths, censor: '[redacted]' } }, destination as pino.DestinationStream | undefined);
}
export type { Logger };
