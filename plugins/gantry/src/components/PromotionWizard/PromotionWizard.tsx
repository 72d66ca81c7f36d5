import { useState } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  LinearProgress,
  Step,
  StepLabel,
  Stepper,
  Typography,
} from '@material-ui/core';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { gantryEnvironmentsApiRef, Promotion } from '../../api/EnvironmentsApi';
import { messageOf } from '../common/errors';
import { PromotionResult } from '../PromotionResult';
import { ChooseStage } from './ChooseStage';
import { ReviewChanges } from './ReviewChanges';
import { SelectWorkflows } from './SelectWorkflows';

// short labels in the stepper, the full heading once above the step
const STEPS = [
  { label: 'Stage', heading: 'Choose the stage' },
  { label: 'Workflows', heading: 'Select workflows' },
  { label: 'Review', heading: 'Review the changes' },
  { label: 'Outcome', heading: 'Result' },
];

/**
 * Promotes workflows along a pipeline stage: choose the stage, pick the
 * source's workflows, review the diff and gates, then follow the promotion.
 * `?pipeline=&stage=` preselect the stage (links from the pipelines view).
 */
export function PromotionWizard(props: { tenant?: string; pollMs?: number }) {
  const { tenant } = props;
  const api = useApi(gantryEnvironmentsApiRef);
  const [params] = useSearchParams();
  const [active, setActive] = useState(0);
  const [pipelineName, setPipelineName] = useState(
    params.get('pipeline') ?? undefined,
  );
  const [stageIndex, setStageIndex] = useState(
    Number(params.get('stage') ?? 0),
  );
  // per source environment: unset means "all", the default
  const [selection, setSelection] = useState<
    { source: string; names: string[] } | undefined
  >();
  const [force, setForce] = useState(false);
  const [promotion, setPromotion] = useState<Promotion | undefined>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  const pipelines = useAsync(
    async () => (await api.listPipelines({ tenant })).items,
    [api, tenant],
  );
  const pipeline =
    pipelines.value?.find(p => p.name === pipelineName) ?? pipelines.value?.[0];
  const stage = pipeline?.stages[stageIndex] ?? pipeline?.stages[0];
  const stageNumber = stage ? pipeline!.stages.indexOf(stage) : 0;

  const source = useAsync(async () => {
    if (!stage || active < 1) return undefined;
    return api.getEnvironment(stage.source, { tenant });
  }, [api, tenant, stage?.source, active >= 1]);
  const available = source.value?.workflows ?? [];
  const selected =
    selection && selection.source === stage?.source
      ? selection.names
      : available.map(w => w.name);

  const preview = useAsync(async () => {
    if (!pipeline || active !== 2) return undefined;
    return api.previewPromotion(
      {
        pipeline: pipeline.name,
        stage: stageNumber,
        workflows: selected,
        force: force || undefined,
      },
      { tenant },
    );
  }, [
    api,
    tenant,
    pipeline?.name,
    stageNumber,
    selected.join('\n'),
    force,
    active,
  ]);

  const resetFrom = () => {
    setForce(false);
    setProblem(undefined);
  };

  const promote = async () => {
    if (!pipeline) return;
    setBusy(true);
    setProblem(undefined);
    try {
      setPromotion(
        await api.startPromotion(
          {
            pipeline: pipeline.name,
            stage: stageNumber,
            workflows: selected,
            force: force || undefined,
          },
          { tenant },
        ),
      );
      setActive(3);
    } catch (e) {
      setProblem(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  if (pipelines.loading) return <Progress />;
  if (pipelines.error) return <ResponseErrorPanel error={pipelines.error} />;
  if (!pipeline) {
    return (
      <EmptyState
        missing="data"
        title="No pipelines yet"
        description="Define a pipeline under Pipelines first: it names the environments workflows are promoted through."
      />
    );
  }

  const content = () => {
    switch (active) {
      case 0:
        return (
          <ChooseStage
            pipelines={pipelines.value ?? []}
            pipeline={pipeline}
            stage={stageNumber}
            onPipeline={name => {
              setPipelineName(name);
              setStageIndex(0);
              resetFrom();
            }}
            onStage={index => {
              setStageIndex(index);
              resetFrom();
            }}
          />
        );
      case 1:
        if (source.loading) return <Progress />;
        if (source.error) return <ResponseErrorPanel error={source.error} />;
        return (
          <SelectWorkflows
            source={stage!.source}
            workflows={available}
            selected={selected}
            onChange={names => {
              setSelection({ source: stage!.source, names });
              resetFrom();
            }}
          />
        );
      case 2:
        if (preview.error) return <ResponseErrorPanel error={preview.error} />;
        if (!preview.value) return <Progress />;
        return (
          <>
            {preview.loading && <LinearProgress />}
            <ReviewChanges
              preview={preview.value}
              force={force}
              onForce={setForce}
            />
          </>
        );
      default:
        return (
          promotion && (
            <PromotionResult
              promotion={promotion}
              tenant={tenant}
              pollMs={props.pollMs}
            />
          )
        );
    }
  };

  const canNext =
    (active === 0 && Boolean(stage)) ||
    (active === 1 && !source.loading && selected.length > 0);

  return (
    <>
      <Stepper activeStep={active} alternativeLabel>
        {STEPS.map(s => (
          <Step key={s.label}>
            <StepLabel>{s.label}</StepLabel>
          </Step>
        ))}
      </Stepper>
      <Typography variant="h6" component="h2" gutterBottom>
        {STEPS[active].heading}
      </Typography>
      <Box mb={2}>{content()}</Box>
      {problem && (
        <Typography color="error" role="alert" paragraph>
          {problem}
        </Typography>
      )}
      <Box display="flex" style={{ gap: 8 }}>
        {active > 0 && active < 3 && (
          <Button onClick={() => setActive(active - 1)} disabled={busy}>
            Back
          </Button>
        )}
        {active < 2 && (
          <Button
            variant="contained"
            color="primary"
            disabled={!canNext}
            onClick={() => setActive(active + 1)}
          >
            Next
          </Button>
        )}
        {active === 2 && (
          <Button
            variant="contained"
            color="primary"
            disabled={busy || !preview.value || preview.loading}
            onClick={promote}
          >
            Promote
          </Button>
        )}
        {active === 3 && (
          <Button
            onClick={() => {
              setPromotion(undefined);
              setSelection(undefined);
              resetFrom();
              setActive(0);
            }}
          >
            Start another promotion
          </Button>
        )}
      </Box>
    </>
  );
}
