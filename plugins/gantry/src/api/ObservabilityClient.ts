import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  AnalyticsOptions,
  ChannelInput,
  ObservabilityApi,
  RuleInput,
} from './ObservabilityApi';
import { gantryRequest } from './gantryRequest';

const e = encodeURIComponent;

/** Analytics and notification settings with the signed-in user's token. */
export class ObservabilityClient implements ObservabilityApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  getSummary(options: AnalyticsOptions) {
    return this.call('GET', '/analytics/summary', options);
  }

  listWorkflowAnalytics(
    options: AnalyticsOptions & { limit?: number; cursor?: string },
  ) {
    return this.call('GET', '/analytics/workflows', options);
  }

  listErrorGroups(
    options: AnalyticsOptions & { limit?: number; cursor?: string },
  ) {
    return this.call('GET', '/analytics/errors', options);
  }

  listEnvironmentHealth(options: AnalyticsOptions) {
    return this.call('GET', '/analytics/environments', options);
  }

  listEventCatalogue() {
    return this.call('GET', '/notifications/events');
  }

  listChannels() {
    return this.call('GET', '/notifications/channels');
  }

  createChannel(input: ChannelInput) {
    return this.call('POST', '/notifications/channels', {}, input);
  }

  updateChannel(id: string, patch: Partial<Omit<ChannelInput, 'type'>>) {
    return this.call('PATCH', `/notifications/channels/${e(id)}`, {}, patch);
  }

  async deleteChannel(id: string) {
    await this.call('DELETE', `/notifications/channels/${e(id)}`);
  }

  testChannel(id: string) {
    return this.call('POST', `/notifications/channels/${e(id)}/test`);
  }

  listRules() {
    return this.call('GET', '/notifications/rules');
  }

  createRule(input: RuleInput) {
    return this.call('POST', '/notifications/rules', {}, input);
  }

  updateRule(id: string, patch: Partial<RuleInput>) {
    return this.call('PATCH', `/notifications/rules/${e(id)}`, {}, patch);
  }

  async deleteRule(id: string) {
    await this.call('DELETE', `/notifications/rules/${e(id)}`);
  }

  listDeliveries(options: { limit?: number } = {}) {
    return this.call('GET', '/notifications/deliveries', {
      limit: 25,
      ...options,
    });
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
