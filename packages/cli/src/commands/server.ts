import { UsageError } from '../files';
import { describeEvent } from './progress';

export class ServerError extends Error {}

/** A small client of the Gantry REST API (`/api/gantry`). */
export class ServerClient {
  private readonly base: string;

  /**
   * `tenant` (default $GANTRY_TENANT) is sent as `?tenant=` with every
   * request, for callers who belong to several tenants.
   */
  constructor(
    server: string,
    private readonly token?: string,
    private readonly tenant = process.env.GANTRY_TENANT,
  ) {
    if (!/^https?:\/\//.test(server))
      throw new UsageError(`--server must be an http(s) URL, got '${server}'`);
    this.base = `${server.replace(/\/+$/, '')}/api/gantry`;
  }

  async request(method: string, path: string, body?: unknown): Promise<any> {
    return this.send(
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
      'application/json',
    );
  }

  /** Sends a text body, e.g. a YAML Score spec. */
  async requestText(
    method: string,
    path: string,
    body: string,
    type = 'application/yaml',
  ): Promise<any> {
    return this.send(method, path, body, type);
  }

  private async send(
    method: string,
    path: string,
    body: string | undefined,
    type: string,
  ): Promise<any> {
    let response: Response;
    try {
      const url = new URL(`${this.base}${path}`);
      if (this.tenant) url.searchParams.set('tenant', this.tenant);
      response = await fetch(url, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': type } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body,
      });
    } catch (error) {
      throw new ServerError(
        `cannot reach ${this.base}: ${(error as Error).message}`,
      );
    }
    const text = await response.text();
    const data = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      throw new ServerError(
        `${method} ${path} → ${response.status}: ${
          data?.error?.message ?? text
        }`,
      );
    }
    return data;
  }

  /** Prints events as they come and resolves with the finished run. */
  async follow(runId: string, print?: (line: string) => void): Promise<any> {
    let cursor = 0;
    for (;;) {
      // the status first: if the run had ended, this page holds its last events
      const run = await this.request('GET', `/runs/${runId}`);
      const page = await this.request(
        'GET',
        `/runs/${runId}/events?after=${cursor}`,
      );
      for (const event of page.items) {
        const line = print && describeEvent(event);
        if (line) print!(line);
      }
      cursor = page.cursor;
      const ended = ['succeeded', 'failed', 'cancelled'].includes(run.status);
      if (ended && page.items.length === 0) return run;
      if (page.items.length === 0) await new Promise(r => setTimeout(r, 300));
    }
  }
}
