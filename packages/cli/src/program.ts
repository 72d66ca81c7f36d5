import { Command, CommanderError, Option } from 'commander';
import { SECURITY_PROFILES } from '@internal/plugin-gantry-common';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { version } from '../package.json';
import {
  environmentsCommand,
  promoteCommand,
  promotionsCommand,
  snapshotsCommand,
} from './commands/environments';
import { driftCommand, syncCommand } from './commands/drift';
import { runPlan } from './commands/plan';
import { approvalsCommand, runsCommand } from './commands/remote';
import {
  deployCommand,
  listCommands,
  providersCommand,
} from './commands/providers';
import { runRun } from './commands/run';
import { ServerError } from './commands/server';
import { runValidate } from './commands/validate';
import { UsageError } from './files';

const collect = (value: string, previous: string[]) => [...previous, value];

/** Exit codes: 0 valid, 1 invalid, 2 usage error. */
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
Exit codes: 0 valid, 1 invalid, 2 usage error.

Examples:
  $ gantry validate providers/
  $ gantry plan providers/database-team/workflows/create-postgres.yaml --spec score.yaml

Docs: docs/product-teams.md in the Gantry repository.`,
    );

  program
    .command('validate')
    .description(
      'Check workflow files, provider directories (provider.yaml + workflows/) or trees of them.',
    )
    .argument(
      '<paths...>',
      'workflow files, provider directories or folders holding them',
    )
    .option('--json', 'print one JSON document with all errors')
    .option('-q, --quiet', 'do not print warnings')
    .addHelpText(
      'after',
      `
Errors print as file:line:col: message. Exit 0 when all are valid, 1 when any is invalid.

Examples:
  $ gantry validate providers/
  $ gantry validate providers/database-team
  $ gantry validate providers/database-team/workflows/create-postgres.yaml`,
    )
    .action((paths: string[], options) => {
      process.exitCode = runValidate(paths, options);
    });

  program
    .command('plan')
    .description(
      'Show what a workflow would run, in order, with interpolated config. Runs nothing.',
    )
    .argument('<file>', 'workflow file')
    .option(
      '--spec <score.yaml>',
      'fill application.* and resources.* from a Score spec',
    )
    .option('--input <name=value>', 'an input value (repeatable)', collect, [])
    .option(
      '--var <NAME=value>',
      'a workflow variable, ${workflow.NAME} and ${NAME} (repeatable)',
      collect,
      [],
    )
    .addOption(
      new Option('--profile <profile>', 'security profile to plan under')
        .choices([...SECURITY_PROFILES])
        .default('standard'),
    )
    .option('--json', 'print the plan as one JSON document on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ gantry plan providers/database-team/workflows/create-postgres.yaml --spec score.yaml
  $ gantry plan deploy.yaml --var ENVIRONMENT=production --input replicas=3 --json
  $ gantry plan deploy.yaml --profile restricted`,
    )
    .action((file: string, options) => {
      process.exitCode = runPlan(file, options);
    });

  program
    .command('run')
    .description(
      'Run a workflow: in-process with --local, or on a Gantry backend with --server.',
    )
    .argument(
      '<workflow>',
      'a workflow file, or provider/workflow with --server',
    )
    .option('--local', 'run with the real engine on an in-memory database')
    .option(
      '--server <url>',
      'start the run on this Gantry backend and follow it',
    )
    .option(
      '--token <token>',
      'Backstage token for --server (default $GANTRY_TOKEN)',
    )
    .option(
      '--spec <score.yaml>',
      'fill application.* and resources.* from a Score spec',
    )
    .option('--input <name=value>', 'an input value (repeatable)', collect, [])
    .option(
      '--var <NAME=value>',
      'a workflow variable (repeatable)',
      collect,
      [],
    )
    .addOption(
      new Option('--profile <profile>', 'security profile').choices([
        ...SECURITY_PROFILES,
      ]),
    )
    .option(
      '--json',
      'print one JSON document {status, steps[]} when the run ends',
    )
    .option('--auto-approve', 'approve approval steps (local runs only)')
    .option(
      '--providers <dir>',
      'providers directory for sub-workflows (local runs)',
      'providers',
    )
    .option(
      '--workdir <dir>',
      'run shell steps in this directory (local runs; default: a fresh temp dir)',
    )
    .addHelpText(
      'after',
      `
Exit 0 when the run succeeded, 1 when it failed or the workflow is invalid.

Examples:
  $ gantry run hello-world.yaml --local --input name=Ada
  $ gantry run deploy.yaml --local --input environment=prod --json
  $ gantry run database-team/create-postgres --server http://localhost:7007 --spec score.yaml`,
    )
    .action(async (workflow: string, options) => {
      process.exitCode = await runRun(workflow, {
        ...options,
        token: options.token ?? process.env.GANTRY_TOKEN,
      });
    });

  program.addCommand(runsCommand());
  program.addCommand(approvalsCommand());
  program.addCommand(environmentsCommand());
  program.addCommand(snapshotsCommand());
  program.addCommand(promoteCommand());
  program.addCommand(promotionsCommand());
  program.addCommand(driftCommand());
  program.addCommand(syncCommand());
  program.addCommand(providersCommand());
  program.addCommand(deployCommand());
  listCommands().forEach(c => program.addCommand(c));
  return program;
}

/** Runs the CLI and turns every failure into a message and an exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  const override = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; usage mistakes (already printed) exit 2
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ServerError) {
      process.stderr.write(`gantry: ${error.message}\n`);
      return 1;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`gantry: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(
      `gantry: internal error: ${
        error instanceof Error ? error.message : String(error)
      }\n`,
    );
    return 2;
  }
}
