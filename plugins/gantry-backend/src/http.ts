import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { Request } from 'express';
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

export interface Caller {
  credentials: BackstageCredentials;
  /** Entity ref of the user, or the service subject. */
  ref: string;
}

/** Authenticates the caller and checks a permission; throws 403 when denied. */
export async function authorize(
  req: Request,
  deps: { httpAuth: HttpAuthService; permissions: PermissionsService },
  permission: BasicPermission | ResourcePermission,
): Promise<Caller> {
  const credentials = await deps.httpAuth.credentials(req);
  const [decision] = await deps.permissions.authorize([{ permission } as any], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`you are not allowed to ${permission.name}`);
  }
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return {
    credentials,
    ref: principal.userEntityRef ?? principal.subject ?? principal.type,
  };
}
