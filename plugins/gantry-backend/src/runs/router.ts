import { InputError, NotFoundError } from '@backstage/errors';
import {
  gantryReadPermission,
  gantryRunCancelPermission,
  gantryRunCreatePermission,
  gantryRunRetryPermission,
  parseScoreSpec,
  SECURITY_PROFILES,
  formatDslError,
} from '@internal/plugin-gantry-common';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditService } from '../audit/AuditService';
import {
  WorkflowEngine,
  WorkflowValidationError,
} from '../engine/WorkflowEngine';
import { pageQuery, parseInput, tenantQuery } from '../http';
import { Caller, TenancyService } from '../tenancy/TenancyService';
import { ProviderRegistry } from '../providers/ProviderRegistry';
import { RunEventBus } from './RunEventBus';
import { RunRecord, RunStore, TERMINAL_RUN_STATUSES } from './types';

const startRunSchema = z
  .strictObject({
    workflow: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/,
        'use provider/workflow',
      )
      .optional(),
    definition: z.string().min(1).max(1_000_000).optional(),
    inputs: z.record(z.string(), z.unknown()).optional(),
    variables: z.record(z.string(), z.string()).optional(),
    spec: z.string().max(200_000).optional().describe('Score spec YAML'),
    profile: z.enum(SECURITY_PROFILES).optional(),
    tenant: z.string().min(1).max(200).optional(),
  })
  .refine(b => (b.workflow === undefined) !== (b.definition === undefined), {
    message:
      'give exactly one of workflow (provider/workflow) or definition (workflow YAML)',
  });

const listSchema = z.object({
  ...pageQuery,
  status: z
    .enum([
      'pending',
      'running',
      'waiting_approval',
      'succeeded',
      'failed',
      'cancelled',
    ])
    .optional(),
  workflow: z.string().max(200).optional(),
  provider: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'a provider name')
    .optional(),
  ...tenantQuery,
});

const eventsSchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

export interface RunsRouterOptions {
  engine: WorkflowEngine;
  store: RunStore;
  providers: ProviderRegistry;
  audit: AuditService;
  events: RunEventBus;
  tenancy: TenancyService;
}

/** What the permission rules see of a run: its tenant and who started it. */
export function runResource(run: { tenant: string; createdBy: string }) {
  return { tenant: run.tenant, owners: [run.createdBy], approvers: [] };
}

/** `/runs`: start, list, inspect, follow, cancel and retry workflow runs. */
export function createRunsRouter(options: RunsRouterOptions): express.Router {
  const { engine, store, audit, events, tenancy } = options;
  const router = Router();
  router.use(express.json({ limit: '2mb' }));

  // another tenant's run is as missing as one that never existed
  const visibleRun = (caller: Caller, id: string) =>
    tenancy.visible(caller, `run ${id}`, () => store.getRun(id));

  router.post('/runs', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryRunCreatePermission);
    const body = parseInput(startRunSchema, req.body, 'run request');
    const tenant = await tenancy.tenantFor(
      caller,
      body.tenant ??
        parseInput(z.object(tenantQuery), req.query, 'query').tenant,
    );
    let definition = body.definition;
    let file: string | undefined;
    if (body.workflow) {
      const [provider, name] = body.workflow.split('/');
      const found = options.providers.workflow(provider, name);
      if (!found)
        throw new NotFoundError(`workflow ${body.workflow} does not exist`);
      definition = found.text;
      file = found.file;
    }
    let application;
    if (body.spec) {
      const score = parseScoreSpec(body.spec, 'spec');
      if (score.errors.length)
        throw new InputError(score.errors.map(formatDslError).join('; '));
      application = score.application;
    }
    try {
      const run = await engine.submit({
        definition: definition!,
        file,
        workflowRef: body.workflow,
        tenant,
        createdBy: caller.ref,
        context: {
          inputs: body.inputs,
          variables: body.variables,
          application,
        },
        profile: body.profile,
      });
      await audit.record(
        {
          tenant: run.tenant,
          actor: caller.ref,
          action: 'run.create',
          target: run.id,
          details: {
            workflow: run.workflowName,
            workflowRef: body.workflow,
            profile: run.profile,
          },
        },
        { request: req },
      );
      res.status(201).json(run);
    } catch (error) {
      if (error instanceof WorkflowValidationError) {
        res.status(400).json({
          error: {
            name: 'InputError',
            message: `the workflow is not valid: ${error.errors[0]?.message}`,
          },
          errors: error.errors,
        });
        return;
      }
      throw error;
    }
  });

  router.get('/runs', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(listSchema, req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    res.json(await store.listRuns({ ...query, tenant, parentRunId: null }));
  });

  router.get('/runs/:id', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const run = await visibleRun(caller, req.params.id);
    res.json({ ...run, steps: await store.getSteps(run.id) });
  });

  router.get('/runs/:id/events', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const { after, limit } = parseInput(eventsSchema, req.query, 'query');
    await visibleRun(caller, req.params.id);
    const items = await store.listEvents(req.params.id, after, limit);
    res.json({
      items,
      cursor: items.length ? items[items.length - 1].id : after,
    });
  });

  // Server-Sent Events: replays from ?after (or Last-Event-ID), then follows live
  router.get('/runs/:id/events/stream', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const run = await visibleRun(caller, req.params.id);
    let cursor =
      Number(
        req.get('last-event-id') ??
          parseInput(eventsSchema, req.query, 'query').after,
      ) || 0;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    let closed = false;
    req.on('close', () => {
      closed = true;
    });
    const pump = async (): Promise<boolean> => {
      const batch = await store.listEvents(run.id, cursor, 500);
      for (const event of batch) {
        res.write(
          `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(
            event,
          )}\n\n`,
        );
        cursor = event.id;
      }
      if (batch.length === 500) return pump();
      const latest = await store.getRun(run.id);
      return !latest || TERMINAL_RUN_STATUSES.includes(latest.status);
    };
    while (!closed) {
      if (await pump()) {
        // drain what the final transition wrote, then end the stream
        await pump();
        res.write('event: end\ndata: {}\n\n');
        break;
      }
      await events.next(run.id, 1000);
    }
    res.end();
  });

  // cancel and retry: check the run's permission, act, audit the status change
  const runAction = (
    action: 'cancel' | 'retry',
    permission: ResourcePermission,
    act: (run: RunRecord) => Promise<RunRecord | undefined>,
  ) =>
    router.post(`/runs/:id/${action}`, async (req, res) => {
      const caller = await tenancy.caller(req);
      const run = await visibleRun(caller, req.params.id);
      await tenancy.authorizeResource(caller, permission, run.id);
      const updated = await act(run);
      await audit.record(
        {
          tenant: run.tenant,
          actor: caller.ref,
          action: `run.${action}`,
          target: run.id,
          oldValue: { status: run.status },
          newValue: { status: updated?.status },
        },
        { request: req },
      );
      res.json(updated);
    });

  runAction('cancel', gantryRunCancelPermission, run => engine.cancel(run.id));
  runAction('retry', gantryRunRetryPermission, run => {
    if (run.status !== 'failed')
      throw new InputError(
        `only failed runs can be retried; run ${run.id} is ${run.status}`,
      );
    return engine.retry(run.id);
  });

  return router;
}
