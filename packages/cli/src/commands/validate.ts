import {
  DslError,
  formatDslError,
  parseProviderManifest,
  validateWorkflow,
} from '@internal/plugin-gantry-common';
import { collectTargets, readFileOrUsage } from '../files';

export interface ValidateCommandOptions {
  json?: boolean;
  quiet?: boolean;
}

/** `gantry validate PATH...`: exit 0 when all valid, 1 when any is invalid. */
export function runValidate(
  paths: string[],
  options: ValidateCommandOptions,
): number {
  const { targets, errors } = collectTargets(paths);
  const warnings: DslError[] = [];
  let workflows = 0;
  for (const target of targets) {
    const text = readFileOrUsage(target.file);
    if (target.kind === 'provider') {
      // manifests inside provider directories were checked while collecting
      if (!errors.some(e => e.file === target.file)) {
        errors.push(...parseProviderManifest(text, target.file).errors);
      }
      continue;
    }
    workflows += 1;
    const result = validateWorkflow(text, target.file);
    errors.push(...result.errors);
    warnings.push(...result.warnings);
  }
  const unique = dedupe(errors);
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          valid: unique.length === 0,
          files: targets.map(t => t.file),
          errors: unique,
          warnings,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    for (const error of unique)
      process.stderr.write(`${formatDslError(error)}\n`);
    if (!options.quiet) {
      for (const warning of warnings)
        process.stderr.write(`${formatDslError(warning)} (warning)\n`);
    }
    const files = new Set(unique.map(e => e.file));
    process.stdout.write(
      unique.length === 0
        ? `✔ ${workflows} workflow${workflows === 1 ? '' : 's'} valid (${
            targets.length
          } files checked)\n`
        : `✖ ${unique.length} problem${unique.length === 1 ? '' : 's'} in ${
            files.size
          } file${files.size === 1 ? '' : 's'} (${
            targets.length
          } files checked)\n`,
    );
  }
  return unique.length === 0 ? 0 : 1;
}

function dedupe(errors: DslError[]): DslError[] {
  const seen = new Set<string>();
  return errors.filter(e => {
    const key = formatDslError(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
