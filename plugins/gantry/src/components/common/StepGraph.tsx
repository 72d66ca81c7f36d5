import { DependencyGraph } from '@backstage/core-components';

/** The step DAG: an edge from each step to the steps that run after it. */
export function StepGraph(props: {
  steps: Array<{ id: string; needs: string[]; status?: string; type: string }>;
}) {
  const nodes = props.steps.map(s => ({
    id: s.id,
    label: s.status
      ? `${s.id} · ${s.status.replace('_', ' ')}`
      : `${s.id} (${s.type})`,
  }));
  const edges = props.steps.flatMap(s =>
    s.needs.map(n => ({ from: n, to: s.id })),
  );
  return (
    <DependencyGraph
      nodes={nodes}
      edges={edges}
      direction="LR"
      paddingX={20}
      paddingY={20}
      fit="contain"
    />
  );
}
