import { EnvironmentDetail, Pipeline } from '../../api/EnvironmentsApi';

/** origin: the first column, which the others are compared with. */
export type CellState = 'origin' | 'in_sync' | 'different' | 'missing';

export interface MatrixCell {
  state: CellState;
  hash?: string;
  active?: boolean;
}

export interface Matrix {
  columns: EnvironmentDetail[];
  rows: Array<{ name: string; cells: MatrixCell[] }>;
}

/** Environment names in the order workflows travel through a pipeline. */
export function pipelineOrder(pipeline: Pipeline): string[] {
  const names: string[] = [];
  for (const stage of pipeline.stages) {
    for (const name of [stage.source, stage.target]) {
      if (!names.includes(name)) names.push(name);
    }
  }
  return names;
}

/**
 * Workflows × environments. Columns follow the pipeline (environments outside
 * it come last); each cell is compared with the column before it, so a row
 * reads as how far a version has travelled.
 */
export function buildMatrix(
  environments: EnvironmentDetail[],
  pipeline?: Pipeline,
): Matrix {
  const order = pipeline ? pipelineOrder(pipeline) : [];
  const rank = (env: EnvironmentDetail) => {
    const i = order.indexOf(env.name);
    return i < 0 ? order.length : i;
  };
  const columns = [...environments].sort((a, b) => rank(a) - rank(b));
  const names = [
    ...new Set(columns.flatMap(env => env.workflows.map(w => w.name))),
  ].sort();
  const rows = names.map(name => {
    let previous: string | undefined;
    const cells = columns.map((env, i): MatrixCell => {
      const workflow = env.workflows.find(w => w.name === name);
      const hash = workflow?.hash;
      let state: CellState;
      if (!workflow) state = 'missing';
      else if (i === 0) state = 'origin';
      else state = hash === previous ? 'in_sync' : 'different';
      previous = hash;
      return { state, hash, active: workflow?.active };
    });
    return { name, cells };
  });
  return { columns, rows };
}
