import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { TenantOption } from './EnvironmentsApi';
import { HooksApi } from './HooksApi';

/** Hooks and hook runs with the signed-in user's token. */
export class HooksClient implements HooksApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  listHooks(options: TenantOption = {}) {
    return this.call('GET', '/admin/workflows', options);
  }

  setHookEnabled(id: string, enabled: boolean, options: TenantOption = {}) {
    return this.call(
      'POST',
      `/admin/workflows/${enabled ? 'enable' : 'disable'}`,
      options,
      { id },
    );
  }

  listHookRuns(query: Parameters<HooksApi['listHookRuns']>[0] = {}) {
    return this.call('GET', '/admin/workflow-runs', { limit: 25, ...query });
  }

  getHookRun(id: string) {
    return this.call('GET', '/admin/workflow-runs/get', { id });
  }

  private async call(
    method: string,
    path: string,
    /** Query parameters; unset ones are left out. */
    query: object,
    body?: unknown,
  ): Promise<any> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('gantry');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query) as [string, unknown][]) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    const response = await this.deps.fetchApi.fetch(
      `${baseUrl}${path}${qs ? `?${qs}` : ''}`,
      {
        method,
        headers:
          body === undefined
            ? undefined
            : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
