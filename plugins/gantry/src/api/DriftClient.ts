import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  DriftApi,
  DriftPolicy,
  IncidentAction,
  IncidentActionInput,
  IncidentsQuery,
  SyncScope,
} from './DriftApi';
import { TenantOption } from './EnvironmentsApi';
import { gantryRequest } from './gantryRequest';

const e = encodeURIComponent;

/** Drift, canonical workflows and environment syncs with the signed-in user's token. */
export class DriftClient implements DriftApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  getSummary(options: TenantOption = {}) {
    return this.call('GET', '/drift/summary', options);
  }

  getPolicy(options: TenantOption = {}) {
    return this.call('GET', '/drift/policy', options);
  }

  savePolicy(policy: Partial<DriftPolicy>, options: TenantOption = {}) {
    return this.call('PUT', '/drift/policy', options, policy);
  }

  checkNow(environmentId: string, options: TenantOption = {}) {
    return this.call(
      'POST',
      `/environments/${e(environmentId)}/drift/check`,
      options,
    );
  }

  listChecks(
    environmentId: string,
    query: TenantOption & { limit?: number; cursor?: string } = {},
  ) {
    return this.call('GET', `/environments/${e(environmentId)}/drift/checks`, {
      limit: 25,
      ...query,
    });
  }

  getCheck(id: string, options: TenantOption = {}) {
    return this.call('GET', `/drift/checks/${e(id)}`, options);
  }

  listIncidents(query: IncidentsQuery = {}) {
    return this.call('GET', '/drift/incidents', { limit: 25, ...query });
  }

  getIncident(id: string, options: TenantOption = {}) {
    return this.call('GET', `/drift/incidents/${e(id)}`, options);
  }

  assignIncident(
    id: string,
    patch: { owner?: string; ticketRef?: string },
    options: TenantOption = {},
  ) {
    return this.call('PATCH', `/drift/incidents/${e(id)}`, options, patch);
  }

  actOnIncident(
    id: string,
    action: IncidentAction,
    input: IncidentActionInput = {},
    options: TenantOption = {},
  ) {
    return this.call(
      'POST',
      `/drift/incidents/${e(id)}/${e(action)}`,
      options,
      input,
    );
  }

  getCanonicalSource(options: TenantOption = {}) {
    return this.call('GET', '/canonical/source', options);
  }

  setCanonicalSource(
    source: { gitUrl: string; ref?: string; path?: string },
    options: TenantOption = {},
  ) {
    return this.call('PUT', '/canonical/source', options, source);
  }

  syncCanonical(options: TenantOption = {}) {
    return this.call('POST', '/canonical/sync', options);
  }

  listCanonicalWorkflows(options: TenantOption = {}) {
    return this.call('GET', '/canonical/workflows', options);
  }

  getCanonicalMatrix(options: TenantOption = {}) {
    return this.call('GET', '/canonical/matrix', options);
  }

  listUntracked(query: TenantOption & { environment?: string } = {}) {
    return this.call('GET', '/canonical/untracked', query);
  }

  onboard(
    environmentId: string,
    workflows?: string[],
    options: TenantOption = {},
  ) {
    return this.call(
      'POST',
      `/environments/${e(environmentId)}/onboard`,
      options,
      { workflows },
    );
  }

  startSync(
    environmentId: string,
    scopes?: SyncScope[],
    options: TenantOption = {},
  ) {
    return this.call(
      'POST',
      `/environments/${e(environmentId)}/sync`,
      options,
      { scopes },
    );
  }

  getSyncJob(id: string, after?: number, options: TenantOption = {}) {
    return this.call('GET', `/sync-jobs/${e(id)}`, { ...options, after });
  }

  listSyncJobs(
    environmentId: string,
    query: TenantOption & { limit?: number; cursor?: string } = {},
  ) {
    return this.call('GET', `/environments/${e(environmentId)}/sync-jobs`, {
      limit: 25,
      ...query,
    });
  }

  getInventory(environmentId: string, options: TenantOption = {}) {
    return this.call(
      'GET',
      `/environments/${e(environmentId)}/inventory`,
      options,
    );
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
