import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
} from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { gantryEnvironmentsApiRef } from '../../api/EnvironmentsApi';

/** The YAML of the version an environment runs. */
export function WorkflowDefinitionDialog(props: {
  environmentId: string;
  name: string;
  tenant?: string;
  onClose: () => void;
}) {
  const api = useApi(gantryEnvironmentsApiRef);
  const state = useAsync(
    () =>
      api.getWorkflow(props.environmentId, props.name, {
        tenant: props.tenant,
      }),
    [api, props.environmentId, props.name, props.tenant],
  );
  return (
    <Dialog open onClose={props.onClose} fullWidth maxWidth="md">
      <DialogTitle>{props.name}</DialogTitle>
      <DialogContent>
        {state.loading && <Progress />}
        {state.error && <ResponseErrorPanel error={state.error} />}
        {state.value && (
          <pre style={{ margin: 0, fontSize: 12, overflow: 'auto' }}>
            {state.value.definition}
          </pre>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
