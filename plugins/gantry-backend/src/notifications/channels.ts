import { NotificationChannelType } from '@internal/plugin-gantry-common';
import { z } from 'zod';

const entityRef = z
  .string()
  .regex(
    /^(user|group):[\w.-]+\/[\w.-]+$/i,
    'an entity ref such as group:default/checkout-team',
  );
const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .describe('an http(s) URL');

/** What each channel type keeps in plain config and in its sealed secrets. */
export const CHANNEL_SCHEMAS = {
  backstage: {
    config: z.strictObject({
      recipients: z.array(entityRef).min(1).max(50),
      severity: z.enum(['low', 'normal', 'high', 'critical']).optional(),
    }),
    secrets: z.strictObject({}),
  },
  slack: {
    config: z.strictObject({ label: z.string().max(200).optional() }),
    // the incoming-webhook URL is itself the credential
    secrets: z.strictObject({ webhookUrl: httpUrl }),
  },
  email: {
    config: z.strictObject({ to: z.array(z.email()).min(1).max(50) }),
    secrets: z.strictObject({}),
  },
  webhook: {
    config: z.strictObject({ url: httpUrl }),
    secrets: z.strictObject({ secret: z.string().min(16).max(500) }),
  },
} satisfies Record<
  NotificationChannelType,
  { config: z.ZodType; secrets: z.ZodType }
>;

/** Secrets a channel of this type must hold. */
export function requiredSecrets(type: NotificationChannelType): string[] {
  return Object.keys(CHANNEL_SCHEMAS[type].secrets.shape);
}
