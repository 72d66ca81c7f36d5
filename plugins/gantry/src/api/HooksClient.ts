import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { TenantOption } from './EnvironmentsApi';
import { HooksApi } from './HooksApi';
import { gantryRequest } from './gantryRequest';

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

  private call(
    method: string,
    path: string,
    /** Query parameters; unset ones are left out. */
    query: object = {},
    body?: unknown,
  ): Promise<any> {
    return gantryRequest(this.deps, method, path, query, body);
  }
}
