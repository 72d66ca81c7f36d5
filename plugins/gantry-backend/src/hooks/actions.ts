import { Config } from '@backstage/config';
import {
  HookAction,
  HookActionType,
  HookRunResult,
  outboundAllowed,
} from '@internal/plugin-gantry-common';
import { StepExecutorRegistry } from '@internal/plugin-gantry-node';
import os from 'node:os';
import { tenantRef } from '../tenancy/TenancyService';

/** A tenant's endpoint for an HTTP action (`tag.order`, `flag.enable`, ...). */
export interface ActionEndpoint {
  url: string;
  method: 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  /** For notify.webhook: signs the body (X-Gantry-Signature). */
  secret?: string;
}

/**
 * Per-tenant endpoints from `gantry.hooks.tenants[].endpoints[]` in
 * app-config: actions call the tenant's own ports, never vendor SDKs.
 */
export function readActionEndpoints(
  config?: Config,
): Map<string, Map<string, ActionEndpoint>> {
  const byTenant = new Map<string, Map<string, ActionEndpoint>>();
  for (const tenant of config?.getOptionalConfigArray('gantry.hooks.tenants') ??
    []) {
    const endpoints = new Map<string, ActionEndpoint>();
    for (const e of tenant.getOptionalConfigArray('endpoints') ?? []) {
      const headers = e.getOptionalConfig('headers');
      endpoints.set(e.getString('action'), {
        url: e.getString('url'),
        method: (e.getOptionalString('method') ?? 'POST') as 'POST',
        headers: headers
          ? Object.fromEntries(
              headers.keys().map(k => [k, headers.getString(k)]),
            )
          : undefined,
        secret: e.getOptionalString('secret'),
      });
    }
    byTenant.set(tenantRef(tenant.getString('tenant')), endpoints);
  }
  return byTenant;
}

/** The executor step (type and config) that carries out one action. */
function stepFor(
  action: HookAction,
  params: Record<string, unknown>,
  endpoint: ActionEndpoint | undefined,
  event: { id: string; type: string },
): { type: string; config: Record<string, unknown> } {
  if (action.type === 'notify.email')
    return { type: 'notify.email', config: params };
  if (action.type === 'notify.webhook') {
    const url = (params.url as string | undefined) ?? endpoint?.url;
    if (!url)
      throw new Error(
        'no url, and the tenant configures no notify.webhook endpoint',
      );
    return {
      type: 'notify.webhook',
      config: {
        url,
        payload: params.payload ?? { event },
        ...(endpoint?.secret && !params.url ? { secret: endpoint.secret } : {}),
        ...(endpoint?.headers && !params.url
          ? { headers: endpoint.headers }
          : {}),
      },
    };
  }
  if (!endpoint) {
    throw new Error(
      `the tenant configures no endpoint for ${action.type} (gantry.hooks.tenants[].endpoints)`,
    );
  }
  return {
    type: 'http',
    config: {
      url: endpoint.url,
      method: endpoint.method,
      headers: { ...endpoint.headers, 'x-gantry-event': event.id },
      body: { action: action.type, ...params, eventId: event.id },
    },
  };
}

const OUTPUT_CAP = 4000;
const capped = (outputs: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => [
      k,
      typeof v === 'string' && v.length > OUTPUT_CAP
        ? `${v.slice(0, OUTPUT_CAP)}…`
        : v,
    ]),
  );

/**
 * Runs a hook's inline actions in order through the engine's executors
 * (their schemas, outbound policy and timeouts); stops at the first failure.
 */
export async function runActions(options: {
  executors: StepExecutorRegistry;
  endpoints: Map<string, ActionEndpoint> | undefined;
  allowedOutboundDomains?: string[];
  hookRunId: string;
  tenant: string;
  event: { id: string; type: string };
  /** Each action with its parameters already interpolated. */
  actions: Array<{ type: HookActionType; params: Record<string, unknown> }>;
  log: (action: string, line: string) => void;
  timeoutMs?: number;
}): Promise<HookRunResult[]> {
  const results: HookRunResult[] = [];
  for (const [index, action] of options.actions.entries()) {
    const name = `${index + 1}:${action.type}`;
    try {
      const step = stepFor(
        action,
        action.params,
        options.endpoints?.get(action.type),
        options.event,
      );
      const executor = options.executors.get(step.type);
      const config = executor.configSchema
        ? executor.configSchema.parse(step.config)
        : step.config;
      const result = await executor.execute({
        runId: options.hookRunId,
        stepId: name,
        attempt: 1,
        tenant: options.tenant,
        config,
        env: {},
        workspace: os.tmpdir(),
        dryRun: false,
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        log: line => options.log(action.type, line),
        checkOutbound: url => {
          if (!outboundAllowed(url, options.allowedOutboundDomains))
            throw new Error(
              `policy allowedOutboundDomains does not allow ${
                new URL(url).hostname
              }`,
            );
        },
      });
      results.push({
        action: action.type,
        status: 'succeeded',
        outputs: capped(result.outputs),
      });
    } catch (error) {
      results.push({
        action: action.type,
        status: 'failed',
        error: (error as Error).message,
        outputs: capped(
          (error as { outputs?: Record<string, unknown> }).outputs ?? {},
        ),
      });
      break;
    }
  }
  return results;
}
