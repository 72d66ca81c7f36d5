import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { gantryApiRef } from '../../api';
import { ApplicationContent } from '../ApplicationContent/ApplicationContent';

/** A component's Gantry application: its resources and deployments, with their runs. */
export function ComponentGantryContent({ name }: { name: string }) {
  const api = useApi(gantryApiRef);
  const { value, loading, error } = useAsync(
    () => api.getApplication(name),
    [name],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) {
    return (
      <EmptyState
        missing="data"
        title={`${name} has not been deployed through Gantry yet`}
        description={`Submit a Score spec with metadata.name: ${name} (gantry deploy score.yaml, or the "New service with a PostgreSQL database" template); its resources, deployments and runs then show here.`}
      />
    );
  }
  return <ApplicationContent app={value} />;
}
