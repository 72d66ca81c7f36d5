import { z } from 'zod';
import {
  GantryStepExecutor,
  StepFailedError,
} from '@internal/plugin-gantry-node';
import { failIfUnsuccessful, requireTool, runProcess } from './process';

/**
 * The remaining step types of the guides' allowedStepTypes, each with a
 * small, documented behaviour (docs/product-teams.md).
 */

const ruleSchema = z.strictObject({
  name: z.string().min(1),
  condition: z.string().min(1),
  message: z.string().optional(),
});

/** `policy`: evaluates CEL rules; fails listing every rule that does not hold. */
export const policyExecutor: GantryStepExecutor<{
  rules: Array<z.infer<typeof ruleSchema>>;
}> = {
  type: 'policy',
  description:
    'Checks CEL rules (config.rules[{name, condition, message}]); fails naming the rules broken',
  configSchema: z.looseObject({ rules: z.array(ruleSchema).min(1) }),
  expressionPaths: p => p[0] === 'rules' && p[2] === 'condition',
  plan: ctx => ctx.config.rules.map(r => `check ${r.name}: ${r.condition}`),
  async execute(ctx) {
    if (!ctx.evaluate)
      throw new StepFailedError('this engine cannot evaluate conditions');
    const broken = ctx.config.rules.filter(rule => {
      const holds = ctx.evaluate!(rule.condition);
      ctx.log(`${holds ? '✔' : '✖'} ${rule.name}: ${rule.condition}`);
      return !holds;
    });
    if (broken.length > 0) {
      throw new StepFailedError(
        `policy violated: ${broken.map(r => r.message ?? r.name).join('; ')}`,
        undefined,
        {
          violations: broken.map(r => r.name),
        },
      );
    }
    return { outputs: { passed: ctx.config.rules.map(r => r.name) } };
  },
};

const costSchema = z.looseObject({
  items: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        monthly_usd: z.number().nonnegative().optional(),
        unit_usd: z.number().nonnegative().optional(),
        quantity: z.number().nonnegative().optional(),
      }),
    )
    .min(1),
  budget_usd: z.number().nonnegative().optional(),
});

function monthly(item: z.infer<typeof costSchema>['items'][number]): number {
  return item.monthly_usd ?? (item.unit_usd ?? 0) * (item.quantity ?? 1);
}

/** `cost-analysis`: sums the monthly estimate of config.items; fails over config.budget_usd. */
export const costAnalysisExecutor: GantryStepExecutor<
  z.infer<typeof costSchema>
> = {
  type: 'cost-analysis',
  description:
    'Estimates monthly cost from config.items and checks it against config.budget_usd',
  configSchema: costSchema,
  plan: ctx => [
    `estimate ${ctx.config.items.length} items against a budget of ${
      ctx.config.budget_usd ?? 'none'
    }`,
  ],
  async execute(ctx) {
    const lines = ctx.config.items.map(i => ({
      name: i.name,
      usd: Math.round(monthly(i) * 100) / 100,
    }));
    const total =
      Math.round(lines.reduce((sum, l) => sum + l.usd, 0) * 100) / 100;
    for (const l of lines) ctx.log(`${l.name}: $${l.usd.toFixed(2)}/month`);
    ctx.log(`total: $${total.toFixed(2)}/month`);
    const outputs = { total_usd: total, items: lines };
    if (ctx.config.budget_usd !== undefined && total > ctx.config.budget_usd) {
      throw new StepFailedError(
        `estimated $${total.toFixed(
          2,
        )}/month exceeds the budget of $${ctx.config.budget_usd.toFixed(2)}`,
        undefined,
        outputs,
      );
    }
    return { outputs };
  },
};

const tagSchema = z.looseObject({
  tags: z.record(
    z.string().regex(/^[A-Za-z0-9._/-]+$/),
    z.union([z.string(), z.number(), z.boolean()]),
  ),
  resources: z
    .array(z.string().regex(/^[a-z0-9.-]+\/[a-z0-9.-]+$/, 'kind/name'))
    .optional(),
  namespace: z.string().optional(),
});

/** `tagging`: publishes tags as outputs and labels the listed Kubernetes resources with them. */
export const taggingExecutor: GantryStepExecutor<z.infer<typeof tagSchema>> = {
  type: 'tagging',
  description:
    'Outputs config.tags and applies them as labels to config.resources (kind/name) with kubectl',
  configSchema: tagSchema,
  plan: ctx =>
    (ctx.config.resources ?? []).map(
      r =>
        `kubectl label ${r} ${Object.entries(ctx.config.tags)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
    ),
  async execute(ctx) {
    const tags = Object.fromEntries(
      Object.entries(ctx.config.tags).map(([k, v]) => [k, String(v)]),
    );
    if (ctx.config.resources?.length) {
      const kubectl = await requireTool(
        ctx,
        ['kubectl'],
        'tagging Kubernetes resources',
      );
      const namespace = ctx.config.namespace ?? ctx.namespace;
      const result = await runProcess(ctx, kubectl, [
        'label',
        '--overwrite',
        ...ctx.config.resources,
        ...Object.entries(tags).map(([k, v]) => `${k}=${v}`),
        ...(namespace ? ['-n', namespace] : []),
      ]);
      failIfUnsuccessful(ctx, 'kubectl label', result);
    }
    return { outputs: { tags } };
  },
};

/** Alert rules `monitoring` knows, as PromQL over the service's standard metrics. */
export const ALERT_RULES: Record<
  string,
  (service: string) => { expr: string; for: string; summary: string }
> = {
  error_rate: s => ({
    expr: `sum(rate(http_requests_total{service="${s}",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="${s}"}[5m])) > 0.05`,
    for: '10m',
    summary: `${s}: more than 5% of requests fail`,
  }),
  transaction_latency: s => ({
    expr: `histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{service="${s}"}[5m])) by (le)) > 1`,
    for: '10m',
    summary: `${s}: p99 latency above 1s`,
  }),
  connection_count: s => ({
    expr: `sum(db_connections_active{service="${s}"}) > 80`,
    for: '5m',
    summary: `${s}: more than 80 database connections`,
  }),
  availability: s => ({
    expr: `up{service="${s}"} == 0`,
    for: '2m',
    summary: `${s} is down`,
  }),
};

const monitoringSchema = z.looseObject({
  service: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  alerts: z.array(z.string()).min(1),
  dashboards: z.array(z.string()).optional(),
  namespace: z.string().optional(),
});

/** The PrometheusRule manifest for the requested alerts. */
export function prometheusRule(service: string, alerts: string[]): string {
  const unknown = alerts.filter(a => !Object.hasOwn(ALERT_RULES, a));
  if (unknown.length) {
    throw new StepFailedError(
      `unknown alerts ${unknown.join(', ')}; known: ${Object.keys(
        ALERT_RULES,
      ).join(', ')}`,
    );
  }
  const rules = alerts.map(a => {
    const r = ALERT_RULES[a](service);
    return `        - alert: ${service}-${a}\n          expr: ${JSON.stringify(
      r.expr,
    )}\n          for: ${
      r.for
    }\n          labels:\n            service: ${service}\n          annotations:\n            summary: ${JSON.stringify(
      r.summary,
    )}`;
  });
  return `apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: ${service}-alerts\nspec:\n  groups:\n    - name: ${service}\n      rules:\n${rules.join(
    '\n',
  )}\n`;
}

/** `monitoring`: applies a PrometheusRule with the named alerts for the service (kubectl). */
export const monitoringExecutor: GantryStepExecutor<
  z.infer<typeof monitoringSchema>
> = {
  type: 'monitoring',
  description:
    'Applies a PrometheusRule with config.alerts (error_rate, transaction_latency, connection_count, availability) for config.service',
  configSchema: monitoringSchema,
  plan(ctx) {
    const service = ctx.config.service ?? ctx.namespace ?? 'service';
    prometheusRule(service, ctx.config.alerts);
    return [
      `kubectl apply PrometheusRule/${service}-alerts with ${ctx.config.alerts.join(
        ', ',
      )}`,
      ...(ctx.config.dashboards ?? []).map(
        d => `dashboard ${d} is listed in the outputs for the Grafana sidecar`,
      ),
    ];
  },
  async execute(ctx) {
    const service = ctx.config.service ?? ctx.namespace;
    if (!service) throw new StepFailedError('monitoring needs config.service');
    const manifest = prometheusRule(service, ctx.config.alerts);
    const kubectl = await requireTool(ctx, ['kubectl'], 'monitoring steps');
    const namespace = ctx.config.namespace ?? ctx.namespace;
    const result = await runProcess(
      ctx,
      kubectl,
      ['apply', '-f', '-', ...(namespace ? ['-n', namespace] : [])],
      { stdin: manifest },
    );
    failIfUnsuccessful(ctx, 'kubectl apply', result);
    return {
      outputs: {
        rule: `${service}-alerts`,
        alerts: ctx.config.alerts,
        dashboards: ctx.config.dashboards ?? [],
      },
    };
  },
};

const securitySchema = z.looseObject({
  image: z.string().optional(),
  target: z.string().optional(),
  scanner: z.enum(['trivy']).default('trivy'),
  severity: z.string().default('HIGH,CRITICAL'),
  failOnVulnerabilities: z.boolean().default(true),
});

/** `security`: scans an image (or a directory) with Trivy; fails on findings at the given severity. */
export const securityExecutor: GantryStepExecutor<
  z.infer<typeof securitySchema>
> = {
  type: 'security',
  description:
    'Trivy scan of config.image or config.target; fails on HIGH/CRITICAL findings when failOnVulnerabilities',
  configSchema: securitySchema,
  plan: ctx => [
    `trivy ${
      ctx.config.image
        ? `image ${ctx.config.image}`
        : `fs ${ctx.config.target ?? '.'}`
    } --severity ${ctx.config.severity}`,
  ],
  async execute(ctx) {
    const trivy = await requireTool(ctx, ['trivy'], 'security scans');
    const args = ctx.config.image
      ? ['image', ctx.config.image]
      : ['fs', ctx.config.target ?? '.'];
    const result = await runProcess(ctx, trivy, [
      ...args,
      '--severity',
      ctx.config.severity,
      '--exit-code',
      ctx.config.failOnVulnerabilities ? '1' : '0',
      '--no-progress',
    ]);
    failIfUnsuccessful(
      ctx,
      'trivy (vulnerabilities found or scan failed)',
      result,
    );
    return { outputs: {}, exitCode: 0 };
  },
};

const provisioningSchema = z.looseObject({
  type: z.string().min(1),
  class: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

/**
 * `resource-provisioning`: provisions a resource of config.type through the
 * provider that claims it (as Score deployments do), as a sub-workflow.
 */
export const resourceProvisioningExecutor: GantryStepExecutor<
  z.infer<typeof provisioningSchema>
> = {
  type: 'resource-provisioning',
  description:
    'Provisions a resource of config.type (and class) through the provider that claims it',
  configSchema: provisioningSchema,
  async plan(ctx) {
    const target = ctx.resolveResource?.(ctx.config.type, ctx.config.class);
    return [
      target
        ? `provision ${ctx.config.type} with ${target.provider}/${target.workflow}`
        : `no provider provisions ${ctx.config.type}`,
    ];
  },
  async execute(ctx) {
    if (!ctx.resolveResource || !ctx.runSubWorkflow)
      throw new StepFailedError('resource provisioning is not available here');
    const target = ctx.resolveResource(ctx.config.type, ctx.config.class);
    ctx.log(
      `provisioning ${ctx.config.type} with ${target.provider}/${target.workflow}`,
    );
    const variables = Object.fromEntries(
      Object.entries(ctx.config.params ?? {}).map(([k, v]) => [k, String(v)]),
    );
    const result = await ctx.runSubWorkflow({
      provider: target.provider,
      workflow: target.workflow,
      variables,
    });
    return { outputs: result.outputs };
  },
};
