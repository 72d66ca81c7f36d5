import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { parseDurationSeconds } from '@internal/plugin-gantry-common';
import {
  GantryStepExecutor,
  StepFailedError,
} from '@internal/plugin-gantry-node';

/** `assert`: fails the step with `message` when `condition` is false. */
export const assertExecutor: GantryStepExecutor<{
  condition: string;
  message?: string;
}> = {
  type: 'assert',
  description:
    'Checks a CEL condition; fails with the message when it is false',
  configSchema: z.strictObject({
    condition: z.string().min(1),
    message: z.string().optional(),
  }),
  expressionPaths: p => p[0] === 'condition',
  async execute(ctx) {
    if (!ctx.evaluate)
      throw new StepFailedError('this engine cannot evaluate conditions');
    const holds = ctx.evaluate(ctx.config.condition);
    ctx.log(`assert ${ctx.config.condition}: ${holds ? 'holds' : 'fails'}`);
    if (!holds)
      throw new StepFailedError(
        ctx.config.message ?? `assertion failed: ${ctx.config.condition}`,
      );
    return { outputs: { holds: true } };
  },
};

/** `approval`: the run waits, holding no worker, until the approval is decided. */
export const approvalExecutor: GantryStepExecutor<{
  message?: string;
  approvers?: string[];
  required_approvals?: number;
  expires?: string | number;
}> = {
  type: 'approval',
  description:
    'Pauses the run until approvers (config.approvers, config.required_approvals) decide it in the inbox, or config.expires passes',
  configSchema: z.strictObject({
    message: z.string().optional(),
    approvers: z.array(z.string()).optional(),
    required_approvals: z.number().int().min(1).max(20).optional(),
    expires: z
      .union([z.string(), z.number()])
      .refine(v => parseDurationSeconds(v) !== undefined, {
        message: 'a duration such as 3600, 30m or 24h',
      })
      .optional(),
  }),
  async execute(ctx) {
    const message =
      ctx.config.message ?? `Approve step ${ctx.stepId} of run ${ctx.runId}?`;
    ctx.log(`waiting for approval: ${message}`);
    return {
      outputs: {},
      waitForApproval: {
        message,
        approvers: ctx.config.approvers ?? [],
        requiredApprovals: ctx.config.required_approvals,
        expiresInSeconds:
          ctx.config.expires === undefined
            ? undefined
            : parseDurationSeconds(ctx.config.expires),
      },
    };
  },
};

/** `workflow`: runs another provider workflow as a child run and waits for it. */
export const workflowExecutor: GantryStepExecutor<{
  provider?: string;
  workflow: string;
  variables?: Record<string, unknown>;
}> = {
  type: 'workflow',
  description:
    'Runs a sub-workflow (config.provider, config.workflow, config.variables)',
  configSchema: z.strictObject({
    provider: z.string().optional(),
    workflow: z.string().min(1),
    variables: z.record(z.string(), z.unknown()).optional(),
  }),
  // the child run inherits plan_only, so planning it is running it
  async plan(ctx) {
    const result = await workflowExecutor.execute(ctx);
    const steps = (result.outputs.steps ?? {}) as Record<
      string,
      { plan?: string[] }
    >;
    return [
      `sub-workflow ${ctx.config.provider ? `${ctx.config.provider}/` : ''}${
        ctx.config.workflow
      } (run ${result.outputs.run_id})`,
      ...Object.entries(steps).flatMap(([id, o]) =>
        (o.plan ?? []).map(line => `  ${id}: ${line}`),
      ),
    ];
  },
  async execute(ctx) {
    if (!ctx.runSubWorkflow)
      throw new StepFailedError('sub-workflows are not available here');
    const variables = Object.fromEntries(
      Object.entries(ctx.config.variables ?? {}).map(([k, v]) => [
        k,
        String(v),
      ]),
    );
    ctx.log(
      `starting sub-workflow ${
        ctx.config.provider ? `${ctx.config.provider}/` : ''
      }${ctx.config.workflow}`,
    );
    const result = await ctx.runSubWorkflow({
      provider: ctx.config.provider,
      workflow: ctx.config.workflow,
      variables,
    });
    ctx.log(`sub-workflow ${result.status}`);
    return { outputs: result.outputs };
  },
};

const BODY_CAP = 64 * 1024;

const MAX_REDIRECTS = 5;

/**
 * fetch, following redirects itself so that every hop passes the outbound
 * policy (fetch's own following would let an allowed host send the request
 * on to any address, loopback or metadata included).
 */
export async function fetchWithinPolicy(
  url: string,
  init: RequestInit,
  checkOutbound: ((url: string) => void) | undefined,
): Promise<Response> {
  let current = url;
  let request = init;
  for (let hop = 0; ; hop++) {
    const response = await fetch(current, { ...request, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || !location)
      return response;
    await response.body?.cancel().catch(() => undefined);
    if (hop >= MAX_REDIRECTS)
      throw new StepFailedError(
        `${current} redirected more than ${MAX_REDIRECTS} times`,
      );
    const next = new URL(location, current).toString();
    checkOutbound?.(next);
    // as fetch does: 303, and 301/302 after a POST, continue as a GET without a body
    if (
      response.status === 303 ||
      ([301, 302].includes(response.status) && request.method === 'POST')
    ) {
      request = { ...request, method: 'GET', body: undefined };
    }
    current = next;
  }
}

async function readCapped(response: Response): Promise<string> {
  const text = await response.text();
  return text.length > BODY_CAP ? text.slice(0, BODY_CAP) : text;
}

const httpSchema = z.strictObject({
  url: z.url(),
  method: z
    .enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'])
    .default('GET'),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  expectStatus: z.array(z.number().int()).optional(),
  timeout: z.union([z.number(), z.string()]).optional(),
});

/** `http`: one HTTP request; fails on an unexpected status. */
export const httpExecutor: GantryStepExecutor<z.infer<typeof httpSchema>> = {
  type: 'http',
  description: 'Sends an HTTP request; outputs status and body',
  configSchema: httpSchema,
  async execute(ctx) {
    const { url, method, headers, body, expectStatus } = ctx.config;
    ctx.checkOutbound?.(url);
    const init: RequestInit = {
      method,
      headers: { ...headers },
      signal: ctx.signal,
    };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      if (typeof body !== 'string')
        (init.headers as Record<string, string>)['content-type'] ??=
          'application/json';
    }
    ctx.log(`${method} ${url}`);
    const response = await fetchWithinPolicy(url, init, ctx.checkOutbound);
    const text = await readCapped(response);
    ctx.log(`→ ${response.status}`);
    const ok = expectStatus
      ? expectStatus.includes(response.status)
      : response.ok;
    const outputs = { status: response.status, body: text };
    if (!ok)
      throw new StepFailedError(
        `${method} ${url} answered ${response.status}`,
        undefined,
        outputs,
      );
    return { outputs };
  },
};

const webhookSchema = z.strictObject({
  url: z.url(),
  payload: z.unknown().optional(),
  secret: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

/** Signature header value for a webhook body: `sha256=<hex HMAC>`. */
export function signWebhook(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** `notify.webhook`: POSTs a JSON body, HMAC-signed when a secret is set. */
export const webhookExecutor: GantryStepExecutor<
  z.infer<typeof webhookSchema>
> = {
  type: 'notify.webhook',
  description:
    'POSTs a JSON notification; X-Gantry-Signature carries its HMAC-SHA256',
  configSchema: webhookSchema,
  async execute(ctx) {
    ctx.checkOutbound?.(ctx.config.url);
    const body = JSON.stringify({
      run: ctx.runId,
      step: ctx.stepId,
      ...(ctx.config.payload !== undefined
        ? { payload: ctx.config.payload }
        : {}),
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...ctx.config.headers,
    };
    if (ctx.config.secret)
      headers['x-gantry-signature'] = signWebhook(body, ctx.config.secret);
    const response = await fetchWithinPolicy(
      ctx.config.url,
      { method: 'POST', body, headers, signal: ctx.signal },
      ctx.checkOutbound,
    );
    ctx.log(`POST ${ctx.config.url} → ${response.status}`);
    if (!response.ok) {
      throw new StepFailedError(
        `webhook answered ${response.status}`,
        undefined,
        { status: response.status },
      );
    }
    return { outputs: { status: response.status } };
  },
};
