import { Box, Checkbox, FormControlLabel, Typography } from '@material-ui/core';
import { PromotionPreview } from '../../api/EnvironmentsApi';
import { RiskChip } from '../EnvironmentChips/EnvironmentChips';
import { GateResults } from '../GateResults';
import { WorkflowDiffList } from '../WorkflowDiffList';

/** Step 3: the diff, its risk and the gates, as the backend evaluates them now. */
export function ReviewChanges(props: {
  preview: PromotionPreview;
  force: boolean;
  onForce: (force: boolean) => void;
}) {
  const { preview } = props;
  const hotfix = preview.diff.some(d => d.status === 'TARGET_HOTFIX');
  return (
    <>
      <Box display="flex" alignItems="center" mb={1} style={{ gap: 8 }}>
        <Typography>
          From <b>{preview.source}</b> to <b>{preview.target}</b>, overall
        </Typography>
        <RiskChip value={preview.risk} />
      </Box>
      <WorkflowDiffList
        diff={preview.diff}
        leftTitle={`${preview.target} (now)`}
        rightTitle={`${preview.source} (incoming)`}
      />
      <Typography variant="subtitle1" style={{ marginTop: 16 }}>
        Gates
      </Typography>
      <GateResults gates={preview.gates} />
      {hotfix && (
        <FormControlLabel
          control={
            <Checkbox
              checked={props.force}
              onChange={e => props.onForce(e.target.checked)}
            />
          }
          label={`Force: overwrite the hotfixes made directly in ${preview.target}`}
        />
      )}
      {preview.blocked && (
        <Typography color="error" role="alert">
          A gate fails: promoting now records the promotion as failed with the
          gates' reasons.
        </Typography>
      )}
    </>
  );
}
