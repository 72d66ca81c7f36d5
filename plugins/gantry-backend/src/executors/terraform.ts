import path from 'node:path';
import { z } from 'zod';
import {
  GantryStepExecutor,
  StepFailedError,
} from '@internal/plugin-gantry-node';
import { failIfUnsuccessful, requireTool, runProcess } from './process';

const value = z.union([z.string(), z.number(), z.boolean()]);
const schema = z.looseObject({
  working_dir: z.string().min(1),
  operation: z.enum(['init', 'plan', 'apply', 'destroy', 'output']).optional(),
  action: z.enum(['init', 'plan', 'apply', 'destroy', 'output']).optional(),
  variables: z.record(z.string(), value).optional(),
  outputs: z.array(z.string()).optional(),
  binary: z.enum(['terraform', 'tofu']).optional(),
  backend_config: z.record(z.string(), value).optional(),
});
type Config = z.infer<typeof schema>;

function commands(config: Config): string[][] {
  const operation = config.operation ?? config.action ?? 'apply';
  const vars = Object.entries(config.variables ?? {}).flatMap(([k, v]) => [
    '-var',
    `${k}=${v}`,
  ]);
  const init = [
    'init',
    '-input=false',
    ...Object.entries(config.backend_config ?? {}).map(
      ([k, v]) => `-backend-config=${k}=${v}`,
    ),
  ];
  const main: Record<string, string[]> = {
    init: [],
    plan: ['plan', '-input=false', ...vars],
    apply: ['apply', '-auto-approve', '-input=false', ...vars],
    destroy: ['destroy', '-auto-approve', '-input=false', ...vars],
    output: [],
  };
  return [
    init,
    main[operation],
    ...(operation === 'apply' || operation === 'output'
      ? [['output', '-json']]
      : []),
  ].filter(c => c.length > 0);
}

/** `terraform`: init and apply/plan/destroy in working_dir; declared outputs become terraform.*. */
export const terraformExecutor: GantryStepExecutor<Config> = {
  type: 'terraform',
  description:
    'terraform (or tofu) init + plan/apply/destroy in config.working_dir; outputs become ${terraform.<name>}',
  configSchema: schema,
  plan(ctx) {
    const tool = ctx.config.binary ?? 'terraform';
    return commands(ctx.config)
      .map(args => `${tool} -chdir=${ctx.config.working_dir} ${args.join(' ')}`)
      .concat(
        ctx.config.outputs?.length
          ? [`outputs: ${ctx.config.outputs.join(', ')}`]
          : [],
      );
  },
  async execute(ctx) {
    const tool = await requireTool(
      ctx,
      ctx.config.binary ? [ctx.config.binary] : ['terraform', 'tofu'],
      'terraform steps',
    );
    const dir = path.resolve(ctx.workspace, ctx.config.working_dir);
    let outputs: Record<string, unknown> = {};
    for (const args of commands(ctx.config)) {
      const result = await runProcess(ctx, tool, [`-chdir=${dir}`, ...args], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? ctx.workspace,
          TF_IN_AUTOMATION: '1',
          ...ctx.env,
        },
      });
      failIfUnsuccessful(ctx, `${path.basename(tool)} ${args[0]}`, result);
      if (args[0] === 'output') {
        const parsed = JSON.parse(result.stdout || '{}') as Record<
          string,
          { value: unknown }
        >;
        outputs = Object.fromEntries(
          Object.entries(parsed).map(([k, v]) => [k, v.value]),
        );
      }
    }
    const missing = (ctx.config.outputs ?? []).filter(
      name => !Object.hasOwn(outputs, name),
    );
    if (missing.length > 0) {
      throw new StepFailedError(
        `terraform did not produce the declared outputs ${missing.join(', ')}`,
        0,
        outputs,
      );
    }
    return { outputs, exitCode: 0 };
  },
};
