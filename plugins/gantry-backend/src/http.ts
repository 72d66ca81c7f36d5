import { InputError } from '@backstage/errors';
import { RequestHandler } from 'express';
import { z } from 'zod';

/** Parses a body or query with zod; a failure is a 400 that says why. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const reasons = parsed.error.issues.map(
      i => `${i.path.join('.') || what}: ${i.message}`,
    );
    throw new InputError(`invalid ${what}: ${reasons.join('; ')}`);
  }
  return parsed.data;
}

/** Page size and cursor, shared by every list endpoint. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
};

/** The optional `?tenant=` every tenant-scoped route accepts. */
export const tenantQuery = {
  tenant: z.string().min(1).max(200).optional(),
};

/**
 * Refuses a NUL character anywhere in the URL (path or query, `%00`):
 * PostgreSQL can neither store nor compare one, so it would reach the
 * database as a 500 instead of a 400.
 */
export const refuseNulInUrl: RequestHandler = (req, _res, next) => {
  if (/%00/.test(req.originalUrl))
    next(new InputError('the request URL contains a NUL character (%00)'));
  else next();
};
