import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  EVENT_CATALOGUE,
  NotificationChannelType,
  PlatformEvent,
} from '@internal/plugin-gantry-common';
import { signWebhook } from '../executors';
import { createMailer, SmtpSettings } from '../executors/email';

/** What a channel sends for one event. */
export interface Message {
  title: string;
  text: string;
  link?: string;
  severity: 'low' | 'normal' | 'high' | 'critical';
  event: PlatformEvent;
}

export interface OpenChannel {
  type: NotificationChannelType;
  config: Record<string, any>;
  secrets: Record<string, string>;
}

const SEVERE = /failed|unhealthy|error|drift\.detected|incident\.created/;
const SHOWN = ['workflow', 'environment', 'application', 'provider', 'error'];

/** A short human message of a platform event. */
export function messageOf(event: PlatformEvent): Message {
  const known = EVENT_CATALOGUE.find(e => e.type === event.type);
  const p = event.payload ?? {};
  const subject = ['workflow', 'application', 'environment', 'name']
    .map(k => p[k])
    .find(v => typeof v === 'string');
  const details = SHOWN.filter(k => p[k] !== undefined && p[k] !== null)
    .map(k => `${k}: ${String(p[k]).slice(0, 500)}`)
    .join('\n');
  return {
    title: `[${event.tenant.replace(/^group:default\//, '')}] ${
      known?.description ?? event.type
    }${subject ? `: ${subject}` : ''}`,
    text: `${event.type} at ${event.occurredAt}${
      details ? `\n${details}` : ''
    }`,
    link: typeof p.runId === 'string' ? `/gantry/runs/${p.runId}` : '/gantry',
    severity: SEVERE.test(event.type) ? 'high' : 'normal',
    event,
  };
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    signal: AbortSignal.timeout(10_000),
    redirect: 'error',
  });
  if (!response.ok) {
    const answer = (await response.text().catch(() => '')).slice(0, 200);
    throw new Error(
      `answered ${response.status}${answer ? `: ${answer}` : ''}`,
    );
  }
}

/** Sends messages over each channel type; one instance per backend. */
export class Senders {
  private readonly mailer?: ReturnType<typeof createMailer>;

  constructor(
    private readonly options: {
      notifications?: NotificationService;
      smtp?: SmtpSettings;
      /** The portal's base URL, for absolute links in Slack and email. */
      baseUrl?: string;
    },
  ) {
    this.mailer = options.smtp ? createMailer(options.smtp) : undefined;
  }

  private url(link?: string) {
    return link && this.options.baseUrl
      ? `${this.options.baseUrl}${link}`
      : link;
  }

  async send(channel: OpenChannel, message: Message): Promise<void> {
    switch (channel.type) {
      case 'backstage': {
        if (!this.options.notifications) {
          throw new Error('the Backstage notifications service is missing');
        }
        await this.options.notifications.send({
          recipients: { type: 'entity', entityRef: channel.config.recipients },
          payload: {
            title: message.title,
            description: message.text,
            link: message.link,
            severity: channel.config.severity ?? message.severity,
            topic: `gantry:${message.event.type}`,
          },
        });
        return;
      }
      case 'email': {
        if (!this.mailer) {
          throw new Error(
            'email channels need an SMTP server: set gantry.notifications.smtp in app-config',
          );
        }
        const link = this.url(message.link);
        await this.mailer.send({
          to: channel.config.to,
          subject: message.title,
          text: `${message.text}${link ? `\n\n${link}` : ''}`,
          headers: { 'X-Gantry-Event': message.event.id },
        });
        return;
      }
      case 'slack': {
        const link = this.url(message.link);
        await post(
          channel.secrets.webhookUrl,
          JSON.stringify({
            text: `*${message.title}*\n${message.text}${
              link ? `\n<${link}|Open in Gantry>` : ''
            }`,
          }),
          {},
        );
        return;
      }
      case 'webhook': {
        const timestamp = String(Math.floor(Date.now() / 1000));
        // the timestamp is in the signed body too, so a replay can be refused
        const body = JSON.stringify({
          event: message.event,
          title: message.title,
          text: message.text,
          sentAt: Number(timestamp),
        });
        await post(channel.config.url, body, {
          'x-gantry-signature': signWebhook(body, channel.secrets.secret),
          'x-gantry-timestamp': timestamp,
          'x-gantry-event': message.event.type,
        });
        return;
      }
      default:
        throw new Error(`unknown channel type ${channel.type}`);
    }
  }
}
