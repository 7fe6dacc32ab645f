// URL-encoded form parsing, only on the routes that take a form (as in panva's example).
// Oversized bodies are refused before parsing; zod then checks each field.
import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { z } from 'zod';
import { FlowError } from '../../src/errors.js';

const parse = bodyParser({ enableTypes: ['form'], formLimit: '16kb', encoding: 'utf-8' });

export async function formBody(ctx: Context, next: Next) {
  try {
    await parse(ctx, async () => {});
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) throw new FlowError('input_too_long');
    if (status && status >= 400 && status < 500) throw new FlowError('invalid_input');
    throw error;
  }
  await next();
}

/** A text field that may be absent (then empty), capped so a huge value is refused early. */
export const textField = (max: number) => z.string().max(max).default('');

/** Parses the form with a schema; the first problem becomes a FlowError naming the field. */
export function readForm<T extends z.ZodType>(ctx: Context, schema: T): z.infer<T> {
  const result = schema.safeParse((ctx.request as { body?: unknown }).body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = String(issue.path[0] ?? '');
  const tooLong = issue.code === 'too_big';
  throw new FlowError(tooLong ? 'input_too_long' : 'invalid_input', field || undefined);
}
