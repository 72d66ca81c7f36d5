import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  EnvironmentInput,
  EnvironmentsApi,
  PipelineFlags,
  PipelineStage,
  PromotionRequest,
  TenantOption,
} from './EnvironmentsApi';
import { gantryRequest } from './gantryRequest';

const e = encodeURIComponent;

/** Environments, snapshots, pipelines and promotions with the signed-in user's token. */
export class EnvironmentsClient implements EnvironmentsApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  listEnvironments(options: TenantOption = {}) {
    return this.call('GET', '/environments', options);
  }

  createEnvironment(input: EnvironmentInput, options: TenantOption = {}) {
    return this.call('POST', '/environments', options, input);
  }

  getEnvironment(idOrName: string, options: TenantOption = {}) {
    return this.call('GET', `/environments/${e(idOrName)}`, options);
  }

  checkHealth(id: string, options: TenantOption = {}) {
    return this.call('GET', `/environments/${e(id)}/health`, options);
  }

  getWorkflow(environmentId: string, name: string, options: TenantOption = {}) {
    return this.call(
      'GET',
      `/environments/${e(environmentId)}/workflows/${e(name)}`,
      options,
    );
  }

  listSnapshots(
    environmentId: string,
    query: TenantOption & { limit?: number; cursor?: string } = {},
  ) {
    return this.call('GET', `/environments/${e(environmentId)}/snapshots`, {
      limit: 25,
      ...query,
    });
  }

  takeSnapshot(
    environmentId: string,
    note?: string,
    options: TenantOption = {},
  ) {
    return this.call(
      'POST',
      `/environments/${e(environmentId)}/snapshots`,
      options,
      { note: note || undefined },
    );
  }

  previewRestore(
    snapshotId: string,
    workflows?: string[],
    options: TenantOption = {},
  ) {
    return this.call('POST', `/snapshots/${e(snapshotId)}/restore`, options, {
      workflows,
      preview: true,
    });
  }

  restoreSnapshot(
    snapshotId: string,
    workflows?: string[],
    options: TenantOption = {},
  ) {
    return this.call('POST', `/snapshots/${e(snapshotId)}/restore`, options, {
      workflows,
    });
  }

  compareSnapshots(from: string, to: string, options: TenantOption = {}) {
    return this.call('GET', `/snapshots/${e(from)}/compare/${e(to)}`, options);
  }

  listPipelines(options: TenantOption = {}) {
    return this.call('GET', '/pipelines', options);
  }

  savePipeline(
    name: string,
    pipeline: { stages: PipelineStage[]; flags?: Partial<PipelineFlags> },
    options: TenantOption = {},
  ) {
    return this.call('PUT', `/pipelines/${e(name)}`, options, pipeline);
  }

  previewPromotion(request: PromotionRequest, options: TenantOption = {}) {
    return this.call('POST', '/promotions/preview', options, request);
  }

  startPromotion(request: PromotionRequest, options: TenantOption = {}) {
    return this.call('POST', '/promotions', options, request);
  }

  listPromotions(
    query: TenantOption & {
      environment?: string;
      limit?: number;
      cursor?: string;
    } = {},
  ) {
    return this.call('GET', '/promotions', { limit: 25, ...query });
  }

  getPromotion(id: string, options: TenantOption = {}) {
    return this.call('GET', `/promotions/${e(id)}`, options);
  }

  cancelPromotion(id: string, options: TenantOption = {}) {
    return this.call('POST', `/promotions/${e(id)}/cancel`, options);
  }

  rollbackPromotion(id: string, options: TenantOption = {}) {
    return this.call('POST', `/promotions/${e(id)}/rollback`, options);
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
