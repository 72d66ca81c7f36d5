import { readFile } from 'node:fs/promises';
import {
  AuthService,
  DiscoveryService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GantryActionClient } from './client';

/**
 * `gantry:score:deploy`: submits a Score spec (inline or a file of the
 * template's workspace) and waits for the deployment. A dry run deploys in
 * plan_only: resources and product workflows are planned, not executed.
 */
export function createScoreDeployAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  return createTemplateAction({
    id: 'gantry:score:deploy',
    description:
      'Deploys a Score spec through Gantry: provisions its resources and runs its product workflows',
    supportsDryRun: true,
    schema: {
      input: {
        spec: z => z.string().optional().describe('Score spec YAML'),
        specPath: z =>
          z
            .string()
            .optional()
            .describe('Path of the Score spec in the workspace'),
        profile: z =>
          z
            .enum(['plan_only', 'restricted', 'standard', 'elevated'])
            .optional(),
      },
      output: {
        deploymentId: z => z.string(),
        application: z => z.string(),
        status: z => z.string(),
      },
    },
    async handler(ctx) {
      const spec =
        ctx.input.spec ??
        (ctx.input.specPath
          ? await readFile(
              resolveSafeChildPath(ctx.workspacePath, ctx.input.specPath),
              'utf8',
            )
          : undefined);
      if (!spec) throw new Error('give the Score spec as spec or specPath');
      const client = new GantryActionClient(
        options,
        await ctx.getInitiatorCredentials(),
        ctx.signal,
      );
      const profile = ctx.isDryRun ? 'plan_only' : ctx.input.profile;
      const deployment = await client.call(
        'POST',
        `/specs${profile ? `?profile=${profile}` : ''}`,
        spec,
        'application/yaml',
      );
      ctx.logger.info(
        `deployment ${deployment.id} of ${deployment.application}${
          profile ? ` (profile ${profile})` : ''
        }`,
      );
      const done = await client.waitFor<any>(
        `/deployments/${deployment.id}`,
        d => d.status !== 'running',
        d =>
          ctx.logger.info(
            d.runs.map((r: any) => `${r.ref}:${r.status}`).join(' '),
          ),
      );
      ctx.output('deploymentId', done.id);
      ctx.output('application', done.application);
      ctx.output('status', done.status);
      if (done.status !== 'succeeded')
        throw new Error(
          `deployment ${done.id} ${done.status}: ${done.error ?? ''}`,
        );
    },
  });
}
