import { z } from 'zod';
import { GantryStepExecutor } from '@internal/plugin-gantry-node';
import { failIfUnsuccessful, requireTool, runProcess } from './process';

const schema = z.looseObject({
  playbook: z.string().min(1),
  inventory: z.string().optional(),
  extra_vars: z.record(z.string(), z.unknown()).optional(),
  limit: z.string().optional(),
  check: z.boolean().optional(),
});
type Config = z.infer<typeof schema>;

function args(config: Config): string[] {
  return [
    config.playbook,
    ...(config.inventory ? ['-i', config.inventory] : []),
    ...(config.extra_vars
      ? ['--extra-vars', JSON.stringify(config.extra_vars)]
      : []),
    ...(config.limit ? ['--limit', config.limit] : []),
    ...(config.check ? ['--check'] : []),
  ];
}

/** `ansible`: runs ansible-playbook with extra vars passed as JSON (never as shell text). */
export const ansibleExecutor: GantryStepExecutor<Config> = {
  type: 'ansible',
  description: 'ansible-playbook config.playbook with inventory and extra_vars',
  configSchema: schema,
  plan: ctx => [`ansible-playbook ${args(ctx.config).join(' ')}`],
  async execute(ctx) {
    const tool = await requireTool(ctx, ['ansible-playbook'], 'ansible steps');
    const result = await runProcess(ctx, tool, args(ctx.config));
    failIfUnsuccessful(ctx, 'ansible-playbook', result);
    return { outputs: { stdout: result.stdout }, exitCode: 0 };
  },
};
