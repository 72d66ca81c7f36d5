import { PipelineFlags, PipelineStage } from '../../api/EnvironmentsApi';

/** The configured gates of a stage in words, in a stable order. */
export function gateLabels(gates: PipelineStage['gates']): string[] {
  const labels: string[] = [];
  if (gates.requireCleanDrift) labels.push('clean drift');
  if (gates.runPreFlightValidation) labels.push('pre-flight validation');
  if (gates.credentialsExistInTarget) labels.push('credentials in target');
  if (gates.nodesSupportedInTarget) labels.push('steps allowed in target');
  if (gates.targetEnvironmentHealthy) labels.push('target healthy');
  if (gates.maxAllowedRiskLevel)
    labels.push(`risk at most ${gates.maxAllowedRiskLevel}`);
  return labels;
}

/** "mon, tue 09:00–17:00 UTC" for each window. */
export function windowLabels(stage: PipelineStage): string[] {
  return (stage.windows ?? []).map(
    w => `${w.days.join(', ')} ${w.from}–${w.to} UTC`,
  );
}

const FLAG_LABELS: Record<keyof PipelineFlags, string> = {
  allowPlaceholderCredentials: 'placeholder credentials allowed',
  allowOverwritingHotfixes: 'overwrites hotfixes',
  allowForcePromotionOnConflicts: 'force on conflicts allowed',
};

export function flagLabels(flags?: Partial<PipelineFlags>): string[] {
  return (Object.keys(FLAG_LABELS) as Array<keyof PipelineFlags>)
    .filter(flag => flags?.[flag])
    .map(flag => FLAG_LABELS[flag]);
}
