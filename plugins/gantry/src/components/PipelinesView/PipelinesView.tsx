import { Fragment, useState } from 'react';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { gantryPipelineManagePermission } from '@internal/plugin-gantry-common';
import {
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  makeStyles,
  Typography,
} from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  Environment,
  gantryEnvironmentsApiRef,
  Pipeline,
  PipelineStage,
} from '../../api/EnvironmentsApi';
import { ClassChip, HealthChip } from '../EnvironmentChips/EnvironmentChips';
import { useEnvironmentsPaths } from '../EnvironmentsRoutes/paths';
import { PipelineEditDialog } from '../PipelineEditDialog';
import { flagLabels, gateLabels, windowLabels } from './stageSummary';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    alignItems: 'center',
    overflowX: 'auto',
    padding: theme.spacing(1, 0),
  },
  environment: {
    minWidth: 140,
    padding: theme.spacing(1.5),
    border: `2px solid ${theme.palette.divider}`,
    borderRadius: 8,
    textAlign: 'center',
    flexShrink: 0,
  },
  stage: {
    minWidth: 220,
    maxWidth: 300,
    padding: theme.spacing(0, 1),
    flexShrink: 0,
    textAlign: 'center',
  },
  chip: { margin: 2 },
  arrow: { display: 'block', width: '100%', height: 16 },
}));

function EnvironmentBox(props: { name: string; environment?: Environment }) {
  const classes = useStyles();
  const paths = useEnvironmentsPaths();
  const env = props.environment;
  return (
    <div className={classes.environment} data-environment={props.name}>
      <Typography variant="subtitle1">
        {env ? (
          <Link to={paths.environment(props.name)}>{props.name}</Link>
        ) : (
          props.name
        )}
      </Typography>
      {env ? (
        <Box display="flex" justifyContent="center" style={{ gap: 4 }}>
          <ClassChip value={env.class} />
          <HealthChip value={env.health} />
        </Box>
      ) : (
        <Typography variant="caption" color="error">
          not registered
        </Typography>
      )}
    </div>
  );
}

function StageArrow(props: {
  pipeline: string;
  index: number;
  stage: PipelineStage;
}) {
  const classes = useStyles();
  const paths = useEnvironmentsPaths();
  const { stage } = props;
  const gates = gateLabels(stage.gates ?? {});
  return (
    <div
      className={classes.stage}
      data-stage={`${stage.source}->${stage.target}`}
    >
      <Typography variant="caption" color="textSecondary">
        stage {props.index + 1}
      </Typography>
      <div>
        {gates.length === 0 ? (
          <Typography variant="caption">no gates</Typography>
        ) : (
          gates.map(g => (
            <Chip
              key={g}
              size="small"
              variant="outlined"
              label={g}
              className={classes.chip}
            />
          ))
        )}
      </div>
      {stage.approval && (
        <Typography variant="caption" display="block">
          approval: {stage.approval.requiredApprovals} of{' '}
          {stage.approval.approvers.join(', ')}
        </Typography>
      )}
      {stage.soakMinutes ? (
        <Typography variant="caption" display="block">
          soak {stage.soakMinutes} min in {stage.source}
        </Typography>
      ) : null}
      {windowLabels(stage).map(w => (
        <Typography key={w} variant="caption" display="block">
          window {w}
        </Typography>
      ))}
      <svg className={classes.arrow} viewBox="0 0 100 16" aria-hidden>
        <line
          x1="0"
          y1="8"
          x2="92"
          y2="8"
          stroke="currentColor"
          strokeWidth="2"
        />
        <polygon points="92,2 100,8 92,14" fill="currentColor" />
      </svg>
      <Link to={paths.promote(props.pipeline, props.index)}>
        <Typography variant="caption">promote this stage</Typography>
      </Link>
    </div>
  );
}

/** A pipeline left to right: environments as boxes, stages as arrows with their gates. */
export function PipelineDiagram(props: {
  pipeline: Pipeline;
  environments: Environment[];
}) {
  const classes = useStyles();
  const byName = new Map(props.environments.map(e => [e.name, e]));
  return (
    <div className={classes.row} aria-label={`Pipeline ${props.pipeline.name}`}>
      {props.pipeline.stages.map((stage, i) => {
        // stages usually chain; a stage starting elsewhere draws its source again
        const chained =
          i > 0 && props.pipeline.stages[i - 1].target === stage.source;
        return (
          <Fragment key={i}>
            {!chained && (
              <EnvironmentBox
                name={stage.source}
                environment={byName.get(stage.source)}
              />
            )}
            <StageArrow
              pipeline={props.pipeline.name}
              index={i}
              stage={stage}
            />
            <EnvironmentBox
              name={stage.target}
              environment={byName.get(stage.target)}
            />
          </Fragment>
        );
      })}
    </div>
  );
}

/** The tenant's promotion pipelines, each drawn left to right. */
export function PipelinesView(props: { tenant?: string }) {
  const { tenant } = props;
  const api = useApi(gantryEnvironmentsApiRef);
  const { allowed: mayManage } = usePermission({
    permission: gantryPipelineManagePermission,
  });
  const [editing, setEditing] = useState<{ pipeline?: Pipeline } | undefined>();
  const state = useAsyncRetry(async () => {
    const [pipelines, environments] = await Promise.all([
      api.listPipelines({ tenant }),
      api.listEnvironments({ tenant }),
    ]);
    return { pipelines: pipelines.items, environments: environments.items };
  }, [api, tenant]);

  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const { pipelines, environments } = state.value!;

  return (
    <>
      <Box display="flex" alignItems="center" mb={2}>
        <Typography variant="h6">Pipelines</Typography>
        <Box flexGrow={1} />
        {mayManage && (
          <Button
            variant="contained"
            color="primary"
            onClick={() => setEditing({})}
          >
            New pipeline
          </Button>
        )}
      </Box>
      {pipelines.length === 0 && (
        <EmptyState
          missing="data"
          title="No pipelines yet"
          description="A pipeline names the environments a workflow travels through and the gates of each step, e.g. dev → staging → production."
        />
      )}
      {pipelines.map(pipeline => (
        <Box mb={2} key={pipeline.id}>
          <Card variant="outlined" data-pipeline={pipeline.name}>
            <CardContent>
              <Box display="flex" alignItems="center" flexWrap="wrap">
                <Typography variant="h6" style={{ marginRight: 8 }}>
                  {pipeline.name}
                </Typography>
                {flagLabels(pipeline.flags).map(f => (
                  <Chip key={f} size="small" label={f} style={{ margin: 2 }} />
                ))}
                <Box flexGrow={1} />
                {mayManage && (
                  <Button size="small" onClick={() => setEditing({ pipeline })}>
                    Edit
                  </Button>
                )}
              </Box>
              <PipelineDiagram
                pipeline={pipeline}
                environments={environments}
              />
            </CardContent>
          </Card>
        </Box>
      ))}
      {editing && (
        <PipelineEditDialog
          pipeline={editing.pipeline}
          tenant={tenant}
          onClose={() => setEditing(undefined)}
          onSaved={() => state.retry()}
        />
      )}
    </>
  );
}
