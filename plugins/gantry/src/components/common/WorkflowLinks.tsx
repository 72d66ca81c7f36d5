import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { ProviderSummary } from '../../api';
import { rootRouteRef } from '../../routes';

/** A provider's workflows, each linking to its workflow page. */
export function WorkflowLinks({ provider }: { provider: ProviderSummary }) {
  const root = useRouteRef(rootRouteRef)();
  return (
    <>
      {provider.workflows.map(w => (
        <div key={w}>
          <Link to={`${root}/providers/${provider.name}/workflows/${w}`}>
            {w}
          </Link>
        </div>
      ))}
    </>
  );
}
