import {
  Content,
  EmptyState,
  Header,
  HeaderLabel,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Button } from '@material-ui/core';
import { Link as RouterLink, useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { gantryApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { ApplicationContent } from '../ApplicationContent/ApplicationContent';
import { StatusChip } from '../common/StatusChip';
import { DeploymentHistory } from '../DeploymentHistory/DeploymentHistory';

/** One application: what the catalog tab shows, plus its whole deployment history. */
export function ApplicationPage() {
  const { name = '' } = useParams();
  const api = useApi(gantryApiRef);
  const list = `${useRouteRef(rootRouteRef)()}/applications`;
  const {
    value: app,
    loading,
    error,
  } = useAsync(() => api.getApplication(name), [api, name]);

  let body;
  if (loading) body = <Progress />;
  else if (error) body = <ResponseErrorPanel error={error} />;
  else if (!app)
    body = (
      <EmptyState
        missing="data"
        title={`There is no application named ${name}`}
        description="It may have been deleted, or belong to another tenant."
        action={
          <Button variant="outlined" component={RouterLink} to={list}>
            All applications
          </Button>
        }
      />
    );
  else
    body = (
      <ApplicationContent
        app={app}
        deployments={<DeploymentHistory application={app.name} />}
      />
    );

  return (
    <Page themeId="tool">
      <Header title={name} type="Applications" typeLink={list}>
        {app && <HeaderLabel label="Product" value={app.product ?? 'none'} />}
        {app && (
          <HeaderLabel
            label="Status"
            value={<StatusChip status={app.status} />}
          />
        )}
      </Header>
      <Content>{body}</Content>
    </Page>
  );
}
