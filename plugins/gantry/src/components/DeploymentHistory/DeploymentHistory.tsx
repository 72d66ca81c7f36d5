import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Button } from '@material-ui/core';
import { gantryApiRef } from '../../api';
import { useCursorPages } from '../common/useCursorPages';
import { DeploymentsTable } from '../DeploymentsTable/DeploymentsTable';

const PAGE_SIZE = 10;

/** All of an application's deployments, newest first, with the runs of each phase. */
export function DeploymentHistory({ application }: { application: string }) {
  const api = useApi(gantryApiRef);
  const history = useCursorPages(
    cursor => api.listDeployments(application, { cursor, limit: PAGE_SIZE }),
    [api, application],
  );
  if (history.loading && history.items.length === 0) return <Progress />;
  if (history.error) return <ResponseErrorPanel error={history.error} />;
  return (
    <>
      <DeploymentsTable
        title="Deployment history"
        deployments={history.items}
        withRuns
      />
      {history.more && (
        <Button onClick={history.more} style={{ marginTop: 8 }}>
          Load more
        </Button>
      )}
    </>
  );
}
