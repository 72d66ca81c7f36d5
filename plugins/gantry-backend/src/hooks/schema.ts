import {
  ConditionError,
  evaluateCondition,
  HOOK_ACTION_TYPES,
  interpolateValue,
  ownLookup,
  PlatformEvent,
  prepareCondition,
  RISKY_HOOK_ACTIONS,
  scanTemplate,
} from '@internal/plugin-gantry-common';
import { z } from 'zod';
import { HookDefinition } from './HookStore';

/** What filters and mappings of a hook may refer to. */
export const HOOK_NAMESPACES = ['event', 'payload'] as const;

const entityRef = z
  .string()
  .regex(
    /^(user|group):[\w.-]+\/[\w.-]+$/,
    'an entity ref such as group:default/checkout-team',
  );

/** Every `${...}` in a value names `event.*` or `payload.*`. */
function referencesOk(value: unknown): string | undefined {
  if (typeof value === 'string') {
    for (const part of scanTemplate(value)) {
      if (
        part.kind === 'ref' &&
        !(HOOK_NAMESPACES as readonly string[]).includes(part.path[0])
      ) {
        return `${part.raw} is not an event.* or payload.* reference`;
      }
    }
  }
  if (Array.isArray(value)) return value.map(referencesOk).find(Boolean);
  if (value && typeof value === 'object')
    return Object.values(value).map(referencesOk).find(Boolean);
  return undefined;
}

const mapping = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const problem = referencesOk(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const filter = z
  .string()
  .min(1)
  .max(2000)
  .superRefine((value, ctx) => {
    try {
      prepareCondition(value, HOOK_NAMESPACES);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `not a CEL filter: ${(error as Error).message}`,
      });
    }
  });

export const hookInputSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'lower-case letters, digits and -'),
    description: z.string().max(2000).optional(),
    trigger: z.strictObject({
      event: z
        .string()
        .max(100)
        .regex(
          /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/,
          'a dotted lower-case event type such as order.created',
        ),
      filter: filter.optional(),
    }),
    workflow: z
      .strictObject({
        provider: z.string().min(1).max(200),
        workflow: z.string().min(1).max(200),
        inputs: mapping.optional(),
      })
      .optional(),
    actions: z
      .array(
        z.strictObject({
          type: z.enum(HOOK_ACTION_TYPES),
          with: mapping.optional(),
        }),
      )
      .min(1)
      .max(20)
      .optional(),
    enabled: z.boolean().default(true),
    risky: z.boolean().optional(),
    approvers: z.array(entityRef).max(50).default([]),
    requiredApprovals: z.number().int().min(1).max(10).default(1),
  })
  .refine(h => Boolean(h.workflow) !== Boolean(h.actions), {
    message: 'a hook runs either a workflow or a list of actions, not both',
  });

/** A valid input as stored: risky by default when an action is. */
export function toDefinition(
  input: z.infer<typeof hookInputSchema>,
): HookDefinition {
  return {
    ...input,
    risky:
      input.risky ??
      (input.actions ?? []).some(a => RISKY_HOOK_ACTIONS.includes(a.type)),
  };
}

/** The values a hook's references see. */
const scopeOf = (event: PlatformEvent) => ({
  event: {
    id: event.id,
    type: event.type,
    tenant: event.tenant,
    source: event.source,
    occurredAt: event.occurredAt,
    correlationId: event.correlationId ?? null,
    payload: event.payload,
  },
  payload: event.payload,
});

/** True when the filter holds for the event; a missing field is null. */
export function matchesFilter(
  source: string | undefined,
  event: PlatformEvent,
): boolean {
  if (!source) return true;
  const prepared = prepareCondition(source, HOOK_NAMESPACES);
  const scope = scopeOf(event);
  const values = Object.fromEntries(
    prepared.refs.map(ref => {
      const found = ownLookup(scope, ref.path);
      return [ref.variable, found.found ? found.value : null];
    }),
  );
  try {
    return evaluateCondition(prepared, values);
  } catch (error) {
    if (error instanceof ConditionError) return false;
    throw error;
  }
}

/** Fills `${event.*}` / `${payload.*}` in a mapping; a missing one is an error. */
export function mapValues(
  value: Record<string, unknown> | undefined,
  event: PlatformEvent,
): Record<string, unknown> {
  const scope = scopeOf(event);
  return interpolateValue(
    value ?? {},
    ref => {
      const found = ownLookup(scope, ref.path);
      if (!found.found)
        throw new Error(`${ref.raw} is not in event ${event.id}`);
      return { value: found.value };
    },
    () => false,
  ) as Record<string, unknown>;
}
