import nodemailer from 'nodemailer';
import { z } from 'zod';
import {
  GantryStepExecutor,
  StepFailedError,
} from '@internal/plugin-gantry-node';

export interface SmtpSettings {
  host: string;
  port: number;
  secure?: boolean;
  user?: string;
  password?: string;
  from: string;
}

const schema = z.strictObject({
  to: z.union([z.email(), z.array(z.email()).min(1)]),
  subject: z.string().min(1).max(500),
  body: z.string().max(100_000),
  from: z.email().optional(),
});

/** A mail sender over the configured SMTP server; shared with notification channels. */
export function createMailer(smtp: SmtpSettings) {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure ?? false,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
    connectionTimeout: 10_000,
  });
  return {
    /** Sends a plain-text mail; fails when the server rejects a recipient. */
    async send(mail: {
      to: string[];
      subject: string;
      text: string;
      from?: string;
      headers?: Record<string, string>;
    }) {
      const info = await transport.sendMail({
        ...mail,
        from: mail.from ?? smtp.from,
      });
      const rejected = (info.rejected as unknown[]).map(String);
      if (rejected.length > 0) {
        throw new StepFailedError(
          `the SMTP server rejected ${rejected.join(', ')}`,
        );
      }
      return info;
    },
  };
}

/** `notify.email`: sends a plain-text email over SMTP (nodemailer). */
export function createEmailExecutor(
  smtp?: SmtpSettings,
): GantryStepExecutor<z.infer<typeof schema>> {
  const mailer = smtp ? createMailer(smtp) : undefined;
  return {
    type: 'notify.email',
    description:
      'Sends an email (config.to, subject, body) through the SMTP server in gantry.notifications.smtp',
    configSchema: schema,
    async execute(ctx) {
      if (!mailer || !smtp) {
        throw new StepFailedError(
          'notify.email needs an SMTP server: set gantry.notifications.smtp in app-config',
        );
      }
      const to = Array.isArray(ctx.config.to) ? ctx.config.to : [ctx.config.to];
      ctx.log(
        `sending "${ctx.config.subject}" to ${to.join(', ')} via ${smtp.host}:${
          smtp.port
        }`,
      );
      const info = await mailer.send({
        from: ctx.config.from,
        to,
        subject: ctx.config.subject,
        text: ctx.config.body,
        headers: { 'X-Gantry-Run': ctx.runId, 'X-Gantry-Step': ctx.stepId },
      });
      ctx.log(`accepted: ${info.response}`);
      return {
        outputs: {
          message_id: info.messageId,
          accepted: (info.accepted as unknown[]).map(String),
        },
      };
    },
  };
}
