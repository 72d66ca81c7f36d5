import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

/** Calls the Gantry backend on behalf of the user who runs the template. */
export class GantryActionClient {
  constructor(
    private readonly deps: { discovery: DiscoveryService; auth: AuthService },
    private readonly onBehalfOf: BackstageCredentials,
    private readonly signal?: AbortSignal,
  ) {}

  async call(
    method: string,
    path: string,
    body?: string,
    type = 'application/json',
  ): Promise<any> {
    const baseUrl = await this.deps.discovery.getBaseUrl('gantry');
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: this.onBehalfOf,
      targetPluginId: 'gantry',
    });
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': type } : {}),
      },
      body,
      signal: this.signal,
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response.json();
  }

  /** Polls until `done` says the resource is finished. */
  async waitFor<T>(
    path: string,
    done: (value: T) => boolean,
    onUpdate?: (value: T) => void,
  ): Promise<T> {
    for (;;) {
      const value = (await this.call('GET', path)) as T;
      onUpdate?.(value);
      if (done(value)) return value;
      await new Promise(r => setTimeout(r, 500));
    }
  }
}
