import { useRouteRef } from '@backstage/core-plugin-api';
import { rootRouteRef } from '../../routes';

/**
 * Links inside the Environments tab. The tab is mounted at
 * `<gantry root>/environments`; an environment's page is `…/environments/<name>`
 * (the names of the sub-pages — pipelines, promote, promotions, drift,
 * canonical — win over an environment of the same name).
 */
export function useEnvironmentsPaths() {
  const root = useRouteRef(rootRouteRef)();
  const base = `${root}/environments`;
  return {
    base,
    environment: (name: string) => `${base}/${encodeURIComponent(name)}`,
    pipelines: `${base}/pipelines`,
    promote: (pipeline?: string, stage?: number) => {
      const query = new URLSearchParams();
      if (pipeline) query.set('pipeline', pipeline);
      if (stage !== undefined) query.set('stage', String(stage));
      const qs = query.toString();
      return `${base}/promote${qs ? `?${qs}` : ''}`;
    },
    promotions: `${base}/promotions`,
    promotion: (id: string) => `${base}/promotions/${encodeURIComponent(id)}`,
    drift: `${base}/drift`,
    incident: (id: string) =>
      `${base}/drift/incidents/${encodeURIComponent(id)}`,
    driftPolicy: `${base}/drift/policy`,
    canonical: `${base}/canonical`,
    approvals: `${root}/approvals`,
  };
}
