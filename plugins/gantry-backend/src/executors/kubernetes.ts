import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import {
  GantryStepContext,
  GantryStepExecutor,
  StepFailedError,
} from '@internal/plugin-gantry-node';
import { failIfUnsuccessful, requireTool, runProcess } from './process';

const schema = z.looseObject({
  manifest: z.string().optional(),
  manifest_path: z.string().optional(),
  manifests: z.union([z.string(), z.array(z.string())]).optional(),
  namespace: z.string().optional(),
  action: z.enum(['apply', 'delete']).default('apply'),
  variables: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional(),
  context: z.string().optional(),
});
type Config = z.infer<typeof schema>;

async function filesOf(target: string): Promise<string[]> {
  const info = await stat(target).catch(() => undefined);
  if (!info) throw new StepFailedError(`manifests not found: ${target}`);
  if (info.isFile()) return [target];
  const names = (await readdir(target))
    .filter(n => /\.(ya?ml|json)$/.test(n))
    .sort();
  return names.map(n => path.join(target, n));
}

/** Substitutes `${NAME}` from config.variables in manifest files. */
function substitute(text: string, variables: Config['variables']): string {
  if (!variables) return text;
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g,
    (whole, name: string) =>
      Object.hasOwn(variables, name) ? String(variables[name]) : whole,
  );
}

/** All manifest documents of the step, inline first, then files in name order. */
async function manifestsOf(ctx: GantryStepContext<Config>): Promise<string> {
  const parts: string[] = [];
  if (ctx.config.manifest) parts.push(ctx.config.manifest);
  const targets = [
    ...(ctx.config.manifest_path ? [ctx.config.manifest_path] : []),
    ...[ctx.config.manifests ?? []].flat(),
  ];
  for (const target of targets) {
    for (const file of await filesOf(path.resolve(ctx.workspace, target))) {
      parts.push(
        substitute(await readFile(file, 'utf8'), ctx.config.variables),
      );
    }
  }
  if (parts.length === 0) {
    throw new StepFailedError(
      'a kubernetes step needs config.manifest, config.manifest_path or config.manifests',
    );
  }
  return parts.map(p => p.trim()).join('\n---\n');
}

function describe(manifests: string, namespace: string | undefined): string[] {
  return parseAllDocuments(manifests)
    .map(
      doc =>
        doc.toJS() as {
          kind?: string;
          metadata?: { name?: string; namespace?: string };
        } | null,
    )
    .filter(doc => doc && doc.kind)
    .map(
      doc =>
        `${doc!.kind}/${doc!.metadata?.name ?? '?'}${
          doc!.metadata?.namespace ?? namespace
            ? ` in namespace ${doc!.metadata?.namespace ?? namespace}`
            : ''
        }`,
    );
}

/** `kubernetes`: applies (or deletes) manifests with kubectl. */
export const kubernetesExecutor: GantryStepExecutor<Config> = {
  type: 'kubernetes',
  description:
    'kubectl apply/delete of config.manifest, manifest_path or a manifests directory',
  configSchema: schema,
  async plan(ctx) {
    const namespace = ctx.config.namespace ?? ctx.namespace;
    return describe(await manifestsOf(ctx), namespace).map(
      r => `kubectl ${ctx.config.action} ${r}`,
    );
  },
  async execute(ctx) {
    const manifests = await manifestsOf(ctx);
    const kubectl = await requireTool(ctx, ['kubectl'], 'kubernetes steps');
    const namespace = ctx.config.namespace ?? ctx.namespace;
    const args = [
      ...(ctx.config.context ? ['--context', ctx.config.context] : []),
      ctx.config.action,
      '-f',
      '-',
      ...(namespace ? ['-n', namespace] : []),
      ...(ctx.config.action === 'delete' ? ['--ignore-not-found'] : []),
    ];
    const result = await runProcess(ctx, kubectl, args, { stdin: manifests });
    const outputs = { resources: result.stdout.split('\n').filter(Boolean) };
    failIfUnsuccessful(ctx, `kubectl ${ctx.config.action}`, result, outputs);
    return { outputs, exitCode: 0 };
  },
};
