import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { gantryEnvironmentsApiRef } from '../../api/EnvironmentsApi';

/**
 * Names for the ids a promotion carries (environments, pipelines); an id
 * stands for itself until they load, or when it was deleted since.
 */
export function useNames(tenant?: string) {
  const api = useApi(gantryEnvironmentsApiRef);
  const { value } = useAsync(async () => {
    const [environments, pipelines] = await Promise.all([
      api.listEnvironments({ tenant }),
      api.listPipelines({ tenant }),
    ]);
    return new Map([
      ...environments.items.map(e => [e.id, e.name] as const),
      ...pipelines.items.map(p => [p.id, p.name] as const),
    ]);
  }, [api, tenant]);
  return (id: string) => value?.get(id) ?? id;
}
