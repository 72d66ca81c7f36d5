import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GantryActionClient } from './client';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/**
 * `gantry:workflow:run`: starts a provider workflow and waits for it; its
 * steps' outputs become the action's outputs. A dry run plans it
 * (profile plan_only): nothing is executed.
 */
export function createWorkflowRunAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  return createTemplateAction({
    id: 'gantry:workflow:run',
    description:
      'Runs a Gantry provider workflow (provider/workflow) and waits for it',
    supportsDryRun: true,
    schema: {
      input: {
        workflow: z =>
          z
            .string()
            .regex(/^[a-z0-9][a-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/)
            .describe('provider/workflow'),
        inputs: z =>
          z
            .record(z.string(), z.unknown())
            .optional()
            .describe('Workflow inputs'),
        variables: z =>
          z
            .record(z.string(), z.string())
            .optional()
            .describe('Workflow variables'),
        profile: z =>
          z
            .enum(['plan_only', 'restricted', 'standard', 'elevated'])
            .optional(),
        wait: z =>
          z.boolean().default(true).describe('Wait for the run to finish'),
      },
      output: {
        runId: z => z.string(),
        status: z => z.string(),
        outputs: z => z.record(z.string(), z.unknown()),
      },
    },
    async handler(ctx) {
      const client = new GantryActionClient(
        options,
        await ctx.getInitiatorCredentials(),
        ctx.signal,
      );
      const profile = ctx.isDryRun ? 'plan_only' : ctx.input.profile;
      const run = await client.call(
        'POST',
        '/runs',
        JSON.stringify({
          workflow: ctx.input.workflow,
          inputs: ctx.input.inputs,
          variables: ctx.input.variables,
          profile,
        }),
      );
      ctx.logger.info(
        `started run ${run.id} of ${ctx.input.workflow}${
          profile ? ` (profile ${profile})` : ''
        }`,
      );
      ctx.output('runId', run.id);
      if (ctx.input.wait === false) {
        ctx.output('status', run.status);
        ctx.output('outputs', {});
        return;
      }
      let seen = '';
      const done = await client.waitFor<any>(
        `/runs/${run.id}`,
        r => TERMINAL.includes(r.status),
        r => {
          const summary = r.steps
            .map((s: any) => `${s.stepId}:${s.status}`)
            .join(' ');
          if (summary !== seen) ctx.logger.info(summary);
          seen = summary;
        },
      );
      ctx.output('status', done.status);
      ctx.output(
        'outputs',
        Object.fromEntries(done.steps.map((s: any) => [s.stepId, s.outputs])),
      );
      if (done.status !== 'succeeded') {
        const failed = done.steps
          .filter((s: any) => s.status === 'failed')
          .map((s: any) => `${s.stepId}: ${s.error}`)
          .join('; ');
        throw new Error(
          `run ${run.id} ${done.status}${failed ? ` (${failed})` : ''}`,
        );
      }
    },
  });
}
