import {
  createLocalEngine,
  StepRecord,
  WorkflowValidationError,
} from '@internal/plugin-gantry-backend';
import {
  formatDslError,
  SecurityProfile,
} from '@internal/plugin-gantry-common';
import { readFileOrUsage, UsageError } from '../files';
import { pairs, readSpec, typedInputs } from './inputs';
import { describeEvent } from './progress';
import { ServerClient } from './server';

export interface RunCommandOptions {
  local?: boolean;
  server?: string;
  token?: string;
  input: string[];
  var: string[];
  spec?: string;
  profile?: SecurityProfile;
  json?: boolean;
  autoApprove?: boolean;
  providers?: string;
  workdir?: string;
}

interface StepSummary {
  id: string;
  status: string;
  attempts: number;
  outputs: Record<string, unknown>;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
}

/** The `--json` document: {status, steps[{id, status, attempts, outputs, startedAt, finishedAt, error?}]}. */
function printRunJson(status: string, records: StepRecord[]): void {
  const steps: StepSummary[] = records.map(s => ({
    id: s.stepId,
    status: s.status,
    attempts: s.attempts,
    outputs: s.outputs,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    ...(s.error && s.status !== 'succeeded' ? { error: s.error } : {}),
  }));
  process.stdout.write(`${JSON.stringify({ status, steps }, null, 2)}\n`);
}

/** `gantry run`: exit 0 when the run succeeded, 1 when it did not. */
export async function runRun(
  target: string,
  options: RunCommandOptions,
): Promise<number> {
  if (Boolean(options.local) === Boolean(options.server)) {
    throw new UsageError(
      'choose where to run: --local (in-process engine) or --server URL',
    );
  }
  return options.local
    ? runLocal(target, options)
    : runOnServer(target, options);
}

async function runLocal(
  file: string,
  options: RunCommandOptions,
): Promise<number> {
  const text = readFileOrUsage(file);
  const application = readSpec(options.spec);
  const local = await createLocalEngine({
    providersDirectory: options.providers,
    workdir: options.workdir,
  });
  try {
    let run;
    try {
      run = await local.engine.submit({
        definition: text,
        file,
        tenant: 'local',
        createdBy: `user:local/${process.env.USER ?? 'cli'}`,
        context: {
          inputs: typedInputs(text, pairs(options.input, '--input')),
          variables: pairs(options.var, '--var'),
          application,
        },
        profile: options.profile,
      });
    } catch (error) {
      if (!(error instanceof WorkflowValidationError)) throw error;
      for (const e of error.errors)
        process.stderr.write(`${formatDslError(e)}\n`);
      if (options.json)
        process.stdout.write(
          `${JSON.stringify(
            { status: 'invalid', steps: [], errors: error.errors },
            null,
            2,
          )}\n`,
        );
      return 1;
    }
    if (!options.json)
      process.stdout.write(
        `run ${run.id} of ${run.workflowName} (local engine, profile ${run.profile})\n`,
      );
    let cursor = 0;
    for (;;) {
      for (const event of await local.store.listEvents(run.id, cursor, 1000)) {
        cursor = event.id;
        const line = options.json ? undefined : describeEvent(event);
        if (line) process.stdout.write(`${line}\n`);
      }
      const current = (await local.store.getRun(run.id))!;
      if (['succeeded', 'failed', 'cancelled'].includes(current.status)) {
        const rest = await local.store.listEvents(run.id, cursor, 10_000);
        if (rest.length) continue;
        if (options.json)
          printRunJson(current.status, await local.store.getSteps(run.id));
        return current.status === 'succeeded' ? 0 : 1;
      }
      if (current.status === 'waiting_approval') {
        const pending = await local.approvals.list({
          runId: run.id,
          status: 'pending',
          limit: 10,
        });
        if (!options.autoApprove) {
          process.stderr.write(
            `the run waits for approval (${pending.items
              .map(a => a.message)
              .join('; ')}); pass --auto-approve to approve locally\n`,
          );
          await local.engine.cancel(run.id);
        } else {
          for (const approval of pending.items) {
            await local.approvals.decide(approval.id, {
              status: 'approved',
              by: 'user:local/cli',
              reason: '--auto-approve',
            });
          }
        }
      }
      await new Promise(r => setTimeout(r, 50));
    }
  } finally {
    await local.close();
  }
}

async function runOnServer(
  workflow: string,
  options: RunCommandOptions,
): Promise<number> {
  const client = new ServerClient(options.server!, options.token);
  const body: Record<string, unknown> = {
    inputs: pairs(options.input, '--input'),
    variables: pairs(options.var, '--var'),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.spec ? { spec: readFileOrUsage(options.spec) } : {}),
  };
  if (/^[a-z0-9][a-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(workflow))
    body.workflow = workflow;
  else body.definition = readFileOrUsage(workflow);
  const run = await client.request('POST', '/runs', body);
  if (!options.json)
    process.stdout.write(
      `run ${run.id} of ${run.workflowName} on ${options.server}\n`,
    );
  const final = await client.follow(
    run.id,
    options.json ? undefined : line => process.stdout.write(`${line}\n`),
  );
  if (options.json) printRunJson(final.status, final.steps);
  return final.status === 'succeeded' ? 0 : 1;
}
