import { z } from 'zod';

const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a UTC time such as 09:00');

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** One stage: promote from `source` to `target`, under its gates and approval. */
export const stageSchema = z.strictObject({
  source: z.string().min(1).describe('source environment name'),
  target: z.string().min(1).describe('target environment name'),
  gates: z
    .strictObject({
      requireCleanDrift: z.boolean().optional(),
      runPreFlightValidation: z.boolean().optional(),
      credentialsExistInTarget: z.boolean().optional(),
      nodesSupportedInTarget: z.boolean().optional(),
      targetEnvironmentHealthy: z.boolean().optional(),
      maxAllowedRiskLevel: z.enum(['low', 'medium', 'high']).optional(),
    })
    .default({}),
  approval: z
    .strictObject({
      approvers: z.array(z.string().min(1)).min(1),
      requiredApprovals: z.number().int().min(1).max(20).default(1),
      expires: z.string().optional(),
    })
    .optional(),
  /** Workflows must have run this long in the source first. */
  soakMinutes: z.number().int().min(0).max(100_000).optional(),
  /** When promotions may happen (UTC); none means any time. */
  windows: z
    .array(
      z.strictObject({
        days: z
          .array(z.enum(DAYS))
          .min(1)
          .default([...DAYS]),
        from: timeOfDay,
        to: timeOfDay,
      }),
    )
    .optional(),
});

export const pipelineSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and -'),
  stages: z.array(stageSchema).min(1).max(20),
  flags: z
    .strictObject({
      allowPlaceholderCredentials: z.boolean().default(false),
      allowOverwritingHotfixes: z.boolean().default(false),
      allowForcePromotionOnConflicts: z.boolean().default(false),
    })
    .default({
      allowPlaceholderCredentials: false,
      allowOverwritingHotfixes: false,
      allowForcePromotionOnConflicts: false,
    }),
});

export type Stage = z.infer<typeof stageSchema>;
export type PipelineInput = z.infer<typeof pipelineSchema>;
export type PipelineFlags = PipelineInput['flags'];

export interface Pipeline extends PipelineInput {
  id: string;
  tenant: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** Whether `at` falls in one of the stage's promotion windows (UTC). */
export function inWindow(stage: Stage, at: Date): boolean {
  if (!stage.windows?.length) return true;
  const day = DAYS[at.getUTCDay()];
  const minutes = at.getUTCHours() * 60 + at.getUTCMinutes();
  const toMinutes = (t: string) =>
    Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
  return stage.windows.some(
    w =>
      w.days.includes(day) &&
      minutes >= toMinutes(w.from) &&
      minutes < toMinutes(w.to),
  );
}
