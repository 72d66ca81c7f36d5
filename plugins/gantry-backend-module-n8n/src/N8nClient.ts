/** Talks to one n8n instance through its public API (`/api/v1`, API key). */

export interface N8nClientOptions {
  /** Where n8n listens, e.g. `http://127.0.0.1:5678` (an `/api/v1` suffix is fine). */
  baseUrl: string;
  apiKey: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** Defaults to Node's global fetch. */
  fetch?: typeof fetch;
}

/** An n8n request that failed: `status` is unset when n8n was not reached. */
export class N8nError extends Error {
  readonly name = 'N8nError';
  constructor(
    message: string,
    readonly details: {
      method: string;
      path: string;
      status?: number;
      /** n8n's own reason (its answer's `message`), when it gave one. */
      n8nMessage?: string;
    },
  ) {
    super(message);
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

/** One page of an n8n list endpoint. */
interface Page<T> {
  data: T[];
  nextCursor?: string | null;
}

/** n8n refuses larger pages. */
export const MAX_PAGE_SIZE = 250;

const HINTS: Record<number, string> = {
  401: 'the API key is wrong, expired or revoked',
  403: 'the API key lacks the scope this needs',
  404: 'not found; is the public API enabled and the URL the n8n root?',
};

export class N8nClient {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: N8nClientOptions) {
    this.baseUrl = options.baseUrl
      .replace(/\/+$/, '')
      .replace(/\/api\/v1$/, '');
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** One request; resolves to n8n's JSON answer, throws an N8nError. */
  async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<T> {
    const url = new URL(`${this.baseUrl}/api/v1${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const where = `${method} /api/v1${path}`;
    let response: Response;
    try {
      response = await this.fetch(url, {
        method,
        headers: {
          'X-N8N-API-KEY': this.apiKey,
          accept: 'application/json',
          ...(options.body !== undefined && {
            'content-type': 'application/json',
          }),
        },
        body:
          options.body !== undefined ? JSON.stringify(options.body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw this.unreachable(error, method, path, where);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.unreachable(error, method, path, where);
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const n8nMessage =
        typeof (body as { message?: unknown })?.message === 'string'
          ? (body as { message: string }).message
          : text.trim().slice(0, 200) || undefined;
      const hint = HINTS[response.status];
      throw new N8nError(
        `n8n at ${this.baseUrl} answered ${response.status}${
          response.statusText ? ` ${response.statusText}` : ''
        } to ${where}${n8nMessage ? `: ${n8nMessage}` : ''}${
          hint ? ` (${hint})` : ''
        }`,
        { method, path, status: response.status, n8nMessage },
      );
    }
    if (text && body === undefined) {
      throw new N8nError(
        `${this.baseUrl} answered ${where} with something that is not JSON; is it n8n's root URL?`,
        { method, path, status: response.status },
      );
    }
    return body as T;
  }

  /**
   * Every item of a list endpoint, following `nextCursor`; `onPage` is
   * called after each page with the items read so far.
   */
  async list<T>(
    path: string,
    options: {
      query?: Query;
      pageSize?: number;
      /** Stop after this many items (the newest first, where n8n sorts so). */
      max?: number;
      onPage?: (page: T[], soFar: number) => void;
    } = {},
  ): Promise<T[]> {
    const pageSize = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    const items: T[] = [];
    let cursor: string | undefined;
    for (;;) {
      const limit =
        options.max !== undefined
          ? Math.min(pageSize, options.max - items.length)
          : pageSize;
      const page = await this.request<Page<T>>('GET', path, {
        query: { ...options.query, limit, cursor },
      });
      items.push(...page.data);
      options.onPage?.(page.data, items.length);
      if (!page.nextCursor) break;
      if (options.max !== undefined && items.length >= options.max) break;
      cursor = page.nextCursor;
    }
    return options.max !== undefined ? items.slice(0, options.max) : items;
  }

  private unreachable(
    error: unknown,
    method: string,
    path: string,
    where: string,
  ): N8nError {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
      return new N8nError(
        `n8n at ${this.baseUrl} did not answer ${where} within ${
          this.timeoutMs / 1000
        } s`,
        { method, path },
      );
    }
    const reason = e?.cause?.code ?? e?.cause?.message ?? e?.message;
    return new N8nError(
      `cannot reach n8n at ${this.baseUrl} (${reason}) for ${where}`,
      { method, path },
    );
  }
}
