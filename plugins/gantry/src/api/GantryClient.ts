import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  GantryHealthResponse,
  SecurityProfile,
} from '@internal/plugin-gantry-common';
import { AuditQuery, GantryApi } from './GantryApi';

/** Talks to `/api/gantry` with the signed-in user's token. */
export class GantryClient implements GantryApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  getHealth(): Promise<GantryHealthResponse> {
    return this.call('GET', '/health');
  }

  listProviders() {
    return this.call('GET', '/providers?limit=200');
  }

  getProvider(name: string) {
    return this.call('GET', `/providers/${encodeURIComponent(name)}`);
  }

  startRun(request: Parameters<GantryApi['startRun']>[0]) {
    return this.call('POST', '/runs', request);
  }

  listRuns(query: Parameters<GantryApi['listRuns']>[0]) {
    return this.call(
      'GET',
      `/runs?${search({ ...query, limit: query.limit ?? 25 })}`,
    );
  }

  getRun(id: string) {
    return this.call('GET', `/runs/${encodeURIComponent(id)}`);
  }

  listEvents(id: string, after: number) {
    return this.call(
      'GET',
      `/runs/${encodeURIComponent(id)}/events?after=${after}&limit=1000`,
    );
  }

  cancelRun(id: string) {
    return this.call('POST', `/runs/${encodeURIComponent(id)}/cancel`);
  }

  retryRun(id: string) {
    return this.call('POST', `/runs/${encodeURIComponent(id)}/retry`);
  }

  getInbox(query: { tenant?: string; cursor?: string; limit?: number } = {}) {
    return this.call(
      'GET',
      `/approvals/inbox?${search({ limit: 50, ...query })}`,
    );
  }

  async countPendingApprovals(query: { tenant?: string } = {}) {
    const params = search(query).toString();
    const { pending } = await this.call(
      'GET',
      `/approvals/count${params ? `?${params}` : ''}`,
    );
    return pending as number;
  }

  listApprovals(query: Parameters<GantryApi['listApprovals']>[0]) {
    return this.call('GET', `/approvals?${search({ limit: 50, ...query })}`);
  }

  getApproval(id: string) {
    return this.call('GET', `/approvals/${encodeURIComponent(id)}`);
  }

  decideApproval(id: string, decision: 'approve' | 'deny', comment?: string) {
    return this.call('POST', `/approvals/${encodeURIComponent(id)}/decision`, {
      decision,
      comment: comment || undefined,
    });
  }

  listAuditEvents(query: AuditQuery) {
    return this.call('GET', `/audit?${search({ limit: 25, ...query })}`);
  }

  getTenancy() {
    return this.call('GET', '/tenancy/me');
  }

  listApplications(query: { cursor?: string; limit?: number } = {}) {
    return this.call('GET', `/applications?${search({ limit: 25, ...query })}`);
  }

  listDeployments(
    application: string,
    query: { cursor?: string; limit?: number } = {},
  ) {
    return this.call(
      'GET',
      `/applications/${encodeURIComponent(application)}/deployments?${search({
        limit: 10,
        ...query,
      })}`,
    );
  }

  async getApplication(name: string) {
    try {
      return await this.call(
        'GET',
        `/applications/${encodeURIComponent(name)}`,
      );
    } catch (error) {
      if (
        (error as { response?: { status?: number } }).response?.status === 404
      )
        return undefined;
      throw error;
    }
  }

  runManualWorkflow(
    application: string,
    provider: string,
    workflow: string,
    profile?: SecurityProfile,
  ) {
    const e = encodeURIComponent;
    const query = profile ? `?${search({ profile })}` : '';
    return this.call(
      'POST',
      `/applications/${e(application)}/workflows/${e(provider)}/${e(
        workflow,
      )}/runs${query}`,
    );
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<any> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('gantry');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers:
        body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}

/** Query parameters without the unset ones. */
function search(
  query: Record<string, string | number | undefined>,
): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params;
}
