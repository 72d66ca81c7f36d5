import { Command } from 'commander';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { version } from '../package.json';

/**
 * Builds the command tree. Subcommands (validate, plan, run, list, approve)
 * are added by the issues that implement them.
 */
export function createProgram(): Command {
  const program = new Command('gantry')
    .description(
      'Validate, plan and run Gantry provider workflows from the command line.',
    )
    .version(version, '-V, --version', 'print the gantry CLI version')
    .showHelpAfterError()
    .addHelpText(
      'after',
      `
Examples:
  $ gantry --help
  $ gantry --version

Docs: docs/ in the Gantry repository.`,
    );
  return program;
}
