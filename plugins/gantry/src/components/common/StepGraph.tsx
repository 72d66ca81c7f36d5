import { DependencyGraph } from '@backstage/core-components';

const FILL: Record<string, string> = {
  succeeded: '#2e7d32',
  failed: '#c62828',
  running: '#1565c0',
  waiting_approval: '#ef6c00',
  skipped: '#9e9e9e',
  cancelled: '#6d4c41',
  pending: '#546e7a',
};

type StepNode = { id: string; type: string; status?: string };

function renderNode({ node }: { node: StepNode }) {
  const width = Math.max(120, node.id.length * 8 + 24);
  return (
    <g data-step={node.id} data-status={node.status ?? ''}>
      <rect
        width={width}
        height={44}
        rx={8}
        fill={FILL[node.status ?? ''] ?? '#37474f'}
      />
      <text
        x={width / 2}
        y={19}
        textAnchor="middle"
        fill="#fff"
        fontSize={13}
        fontWeight="bold"
      >
        {node.id}
      </text>
      <text x={width / 2} y={35} textAnchor="middle" fill="#fff" fontSize={11}>
        {node.status ? node.status.replace('_', ' ') : node.type}
      </text>
    </g>
  );
}

/** The step DAG, coloured by step status: an edge from each step to the steps that run after it. */
export function StepGraph(props: {
  steps: Array<StepNode & { needs: string[] }>;
}) {
  const nodes = props.steps.map(({ id, type, status }) => ({
    id,
    type,
    status,
  }));
  const edges = props.steps.flatMap(s =>
    s.needs.map(n => ({ from: n, to: s.id })),
  );
  return (
    <DependencyGraph
      nodes={nodes}
      edges={edges}
      direction="LR"
      renderNode={renderNode}
      fit="grow"
      paddingX={20}
      paddingY={20}
      rankMargin={40}
    />
  );
}
