import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  GantryStepContext,
  GantryStepExecutor,
  StepFailedError,
} from '@internal/plugin-gantry-node';
import { fetchWithinPolicy } from './basic';

const schema = z.looseObject({
  address: z.url().optional(),
  token: z.string().optional(),
  path: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]+\/[A-Za-z0-9_./-]+$/,
      'use <mount>/<path>, e.g. secret/apps/checkout',
    ),
  secrets: z
    .union([z.array(z.string().min(1)), z.record(z.string(), z.string())])
    .optional(),
  policies: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/)).optional(),
});
type Config = z.infer<typeof schema>;

function split(p: string) {
  const [mount, ...rest] = p.split('/');
  return { mount, rest: rest.join('/') };
}

/** The HCL of a policy: names ending in -write may write, all others read. */
export function vaultPolicy(name: string, mount: string, rest: string): string {
  const capabilities = name.endsWith('-write')
    ? '["create", "update", "read"]'
    : '["read"]';
  return `path "${mount}/data/${rest}" {\n  capabilities = ${capabilities}\n}\n`;
}

async function vault(
  ctx: GantryStepContext<Config>,
  method: string,
  path: string,
  body?: unknown,
) {
  const address =
    ctx.config.address ?? ctx.env.VAULT_ADDR ?? process.env.VAULT_ADDR;
  const token =
    ctx.config.token ?? ctx.env.VAULT_TOKEN ?? process.env.VAULT_TOKEN;
  if (!address || !token) {
    throw new StepFailedError(
      'vault-setup needs a Vault address and token: config.address and config.token (e.g. ${secrets.vault_token}), or VAULT_ADDR and VAULT_TOKEN',
    );
  }
  ctx.checkOutbound?.(address);
  const response = await fetchWithinPolicy(
    `${address.replace(/\/+$/, '')}/v1/${path}`,
    {
      method,
      headers: {
        'x-vault-token': token,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: ctx.signal,
    },
    ctx.checkOutbound,
  );
  if (response.status === 404 && method === 'GET') return undefined;
  if (!response.ok)
    throw new StepFailedError(
      `Vault ${method} /v1/${path} answered ${response.status}: ${(
        await response.text()
      ).slice(0, 200)}`,
    );
  return response.status === 204 ? undefined : response.json();
}

/**
 * `vault-setup`: makes sure each named secret exists at a KV v2 path
 * (missing ones get a random 32-byte value, existing values are kept) and
 * writes the named ACL policies for that path. Secret values are never
 * outputs or log lines.
 */
export const vaultSetupExecutor: GantryStepExecutor<Config> = {
  type: 'vault-setup',
  description:
    'Ensures secrets at a Vault KV v2 path (generating missing ones) and writes ACL policies for it',
  configSchema: schema,
  plan(ctx) {
    const { mount, rest } = split(ctx.config.path);
    const names = Array.isArray(ctx.config.secrets)
      ? ctx.config.secrets
      : Object.keys(ctx.config.secrets ?? {});
    return [
      `ensure secrets ${names.join(', ') || '(none)'} at ${mount}/data/${rest}`,
      ...(ctx.config.policies ?? []).map(
        p =>
          `write policy ${p} (${
            p.endsWith('-write') ? 'read/write' : 'read'
          } on ${mount}/data/${rest})`,
      ),
    ];
  },
  async execute(ctx) {
    const { mount, rest } = split(ctx.config.path);
    const existing =
      ((await vault(ctx, 'GET', `${mount}/data/${rest}`)) as any)?.data?.data ??
      {};
    const given = Array.isArray(ctx.config.secrets)
      ? {}
      : ctx.config.secrets ?? {};
    const names = Array.isArray(ctx.config.secrets)
      ? ctx.config.secrets
      : Object.keys(given);
    const data: Record<string, string> = { ...existing };
    const created: string[] = [];
    for (const name of names) {
      if (Object.hasOwn(given, name)) data[name] = given[name];
      else if (!Object.hasOwn(data, name)) {
        data[name] = randomBytes(32).toString('base64url');
        created.push(name);
      }
    }
    await vault(ctx, 'POST', `${mount}/data/${rest}`, { data });
    ctx.log(
      `secrets at ${mount}/data/${rest}: ${names.join(', ')}${
        created.length ? ` (generated ${created.join(', ')})` : ''
      }`,
    );
    for (const policy of ctx.config.policies ?? []) {
      await vault(ctx, 'PUT', `sys/policies/acl/${policy}`, {
        policy: vaultPolicy(policy, mount, rest),
      });
      ctx.log(`policy ${policy} written`);
    }
    return {
      outputs: {
        path: `${mount}/data/${rest}`,
        keys: names,
        generated: created,
        policies: ctx.config.policies ?? [],
      },
    };
  },
};
