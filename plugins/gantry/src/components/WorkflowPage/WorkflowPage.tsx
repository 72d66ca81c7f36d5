import { useState } from 'react';
import {
  CodeSnippet,
  Content,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  Button,
  Grid,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import {
  buildStepGraph,
  gantryRunCreatePermission,
  validateWorkflow,
  SECURITY_PROFILES,
} from '@internal/plugin-gantry-common';
import { useNavigate, useParams } from 'react-router-dom';
import { usePermission } from '@backstage/plugin-permission-react';
import useAsync from 'react-use/esm/useAsync';
import { gantryApiRef } from '../../api';
import { StepGraph } from '../common/StepGraph';
import { duration, StatusChip } from '../common/StatusChip';
import { rootRouteRef } from '../../routes';

/** A provider workflow: what it does, its steps as a graph, and a form to run it. */
export function WorkflowPage() {
  const { provider = '', workflow = '' } = useParams();
  const api = useApi(gantryApiRef);
  const alertApi = useApi(alertApiRef);
  const navigate = useNavigate();
  const root = useRouteRef(rootRouteRef)();
  const [inputs, setInputs] = useState<Record<string, string>>({});
  const [variables, setVariables] = useState('');
  const [profile, setProfile] = useState('standard');
  const [starting, setStarting] = useState(false);
  const { allowed: mayRun } = usePermission({
    permission: gantryRunCreatePermission,
  });
  const { value, loading, error } = useAsync(
    () => api.getProvider(provider),
    [provider],
  );
  const recent = useAsync(
    () => api.listRuns({ workflow, limit: 5 }),
    [workflow],
  );

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const source = value?.workflows.find(w => w.name === workflow);
  if (!source)
    return (
      <ResponseErrorPanel
        error={new Error(`workflow ${provider}/${workflow} does not exist`)}
      />
    );
  // the DSL is isomorphic: the page reads the workflow with the backend's parser
  const parsed = validateWorkflow(source.definition, source.file).workflow;
  const graph = parsed ? buildStepGraph(parsed.steps) : undefined;

  const run = async () => {
    setStarting(true);
    try {
      const vars = Object.fromEntries(
        variables
          .split('\n')
          .map(line => line.trim())
          .filter(Boolean)
          .map(line => [
            line.slice(0, line.indexOf('=')),
            line.slice(line.indexOf('=') + 1),
          ]),
      );
      const started = await api.startRun({
        workflow: `${provider}/${workflow}`,
        inputs,
        variables: vars,
        profile,
      });
      navigate(`${root}/runs/${started.id}`);
    } catch (e) {
      alertApi.post({
        message: `Could not start the run: ${(e as Error).message}`,
        severity: 'error',
      });
      setStarting(false);
    }
  };

  return (
    <Page themeId="tool">
      <Header
        title={`${provider}/${workflow}`}
        subtitle={parsed?.description ?? 'Provider workflow'}
      />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} md={5}>
            <InfoCard title="Run this workflow">
              {Object.entries(parsed?.inputs ?? {}).map(([name, spec]) => (
                <TextField
                  key={name}
                  label={`${name}${spec.required ? ' *' : ''}`}
                  helperText={[
                    spec.description,
                    spec.enum && `one of ${spec.enum.join(', ')}`,
                    spec.default !== undefined &&
                      `default ${String(spec.default)}`,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                  fullWidth
                  margin="dense"
                  inputProps={{ 'aria-label': `input ${name}` }}
                  value={inputs[name] ?? ''}
                  onChange={e =>
                    setInputs({ ...inputs, [name]: e.target.value })
                  }
                />
              ))}
              <TextField
                label="Variables (NAME=value per line)"
                multiline
                minRows={2}
                fullWidth
                margin="dense"
                value={variables}
                onChange={e => setVariables(e.target.value)}
              />
              <TextField
                select
                label="Security profile"
                fullWidth
                margin="dense"
                value={profile}
                onChange={e => setProfile(e.target.value)}
              >
                {SECURITY_PROFILES.map(p => (
                  <MenuItem key={p} value={p}>
                    {p}
                  </MenuItem>
                ))}
              </TextField>
              <Button
                variant="contained"
                color="primary"
                disabled={starting || !mayRun}
                onClick={run}
                style={{ marginTop: 16 }}
              >
                Run
              </Button>
              {!mayRun && (
                <Typography variant="caption" display="block">
                  You may read this workflow but not start runs.
                </Typography>
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={7}>
            <InfoCard title="Steps">
              {graph && parsed ? (
                <StepGraph
                  steps={graph.order.map(id => ({
                    id,
                    needs: graph.needs.get(id) ?? [],
                    type: parsed.steps.find(s => s.id === id)!.type,
                  }))}
                />
              ) : (
                <Typography>
                  This workflow does not validate; see the source.
                </Typography>
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <InfoCard title="Recent runs">
              {recent.value?.items.length ? (
                recent.value.items.map(r => (
                  <div
                    key={r.id}
                    style={{
                      display: 'flex',
                      gap: 12,
                      alignItems: 'center',
                      marginBottom: 6,
                    }}
                  >
                    <StatusChip status={r.status} />
                    <Link to={`${root}/runs/${r.id}`}>{r.id}</Link>
                    <span>{new Date(r.createdAt).toLocaleString()}</span>
                    <span>{duration(r.startedAt, r.finishedAt)}</span>
                  </div>
                ))
              ) : (
                <Typography>
                  No runs of this workflow yet: fill in the form and press Run.
                </Typography>
              )}
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <InfoCard title="Source">
              <CodeSnippet
                text={source.definition}
                language="yaml"
                showLineNumbers
              />
            </InfoCard>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
