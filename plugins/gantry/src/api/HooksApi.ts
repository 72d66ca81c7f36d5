import { createApiRef } from '@backstage/core-plugin-api';
import type {
  Hook,
  HookRun,
  HookRunDetail,
  HookRunStatus,
} from '@internal/plugin-gantry-common';
import { Page } from './GantryApi';
import { TenantOption } from './EnvironmentsApi';

export type {
  Hook,
  HookAction,
  HookInput,
  HookRun,
  HookRunDetail,
  HookRunEvent,
  HookRunResult,
  HookRunStatus,
} from '@internal/plugin-gantry-common';

/** Hooks and their runs (`/admin/workflows`, `/admin/workflow-runs`). */
export interface HooksApi {
  listHooks(options?: TenantOption): Promise<{ items: Hook[] }>;
  setHookEnabled(
    id: string,
    enabled: boolean,
    options?: TenantOption,
  ): Promise<Hook>;
  listHookRuns(
    query?: TenantOption & {
      workflowId?: string;
      status?: HookRunStatus;
      limit?: number;
      cursor?: string;
    },
  ): Promise<Page<HookRun>>;
  getHookRun(id: string): Promise<HookRunDetail>;
}

export const gantryHooksApiRef = createApiRef<HooksApi>({
  id: 'plugin.gantry.hooks',
});
