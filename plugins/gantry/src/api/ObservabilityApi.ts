import { createApiRef } from '@backstage/core-plugin-api';

export type {
  AnalyticsWindow,
  AnalyticsSummary,
  AnalyticsPage,
  WorkflowAnalytics,
  ErrorGroup,
  EnvironmentAnalytics,
  RunFigures,
  SparklinePoint,
  NotificationChannel,
  NotificationChannelType,
  NotificationRule,
  NotificationDelivery,
  EventCatalogueEntry,
} from '@internal/plugin-gantry-common';
import type {
  AnalyticsWindow,
  AnalyticsSummary,
  AnalyticsPage,
  WorkflowAnalytics,
  ErrorGroup,
  EnvironmentAnalytics,
  NotificationChannel,
  NotificationChannelType,
  NotificationRule,
  NotificationDelivery,
  EventCatalogueEntry,
} from '@internal/plugin-gantry-common';

export interface AnalyticsOptions {
  window: AnalyticsWindow;
  tenant?: string;
}

export interface ChannelInput {
  type: NotificationChannelType;
  name: string;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
  enabled?: boolean;
}

export interface RuleInput {
  name: string;
  eventType: string;
  filter?: Record<string, string>;
  channelIds: string[];
  enabled?: boolean;
}

/** Execution analytics and notification settings of `/api/gantry`. */
export interface ObservabilityApi {
  getSummary(options: AnalyticsOptions): Promise<AnalyticsSummary>;
  listWorkflowAnalytics(
    options: AnalyticsOptions & { limit?: number; cursor?: string },
  ): Promise<AnalyticsPage<WorkflowAnalytics>>;
  listErrorGroups(
    options: AnalyticsOptions & { limit?: number; cursor?: string },
  ): Promise<AnalyticsPage<ErrorGroup>>;
  listEnvironmentHealth(
    options: AnalyticsOptions,
  ): Promise<{ items: EnvironmentAnalytics[] }>;
  listEventCatalogue(): Promise<{ items: EventCatalogueEntry[] }>;
  listChannels(): Promise<{ items: NotificationChannel[] }>;
  createChannel(input: ChannelInput): Promise<NotificationChannel>;
  updateChannel(
    id: string,
    patch: Partial<Omit<ChannelInput, 'type'>>,
  ): Promise<NotificationChannel>;
  deleteChannel(id: string): Promise<void>;
  testChannel(id: string): Promise<NotificationDelivery>;
  listRules(): Promise<{ items: NotificationRule[] }>;
  createRule(input: RuleInput): Promise<NotificationRule>;
  updateRule(id: string, patch: Partial<RuleInput>): Promise<NotificationRule>;
  deleteRule(id: string): Promise<void>;
  listDeliveries(options?: {
    limit?: number;
  }): Promise<{ items: NotificationDelivery[]; nextCursor?: string }>;
}

export const gantryObservabilityApiRef = createApiRef<ObservabilityApi>({
  id: 'plugin.gantry.observability',
});
