import { WorkflowStep } from './model';

/** The step DAG: which steps each step waits for, in a runnable order. */
export interface StepGraph {
  /** Step id → ids of the steps it runs after. */
  needs: Map<string, string[]>;
  /** Ids in an order where every step comes after the steps it needs. */
  order: string[];
  /** Dependency cycles, each as the ids along the cycle. */
  cycles: string[][];
  /** `depends_on` entries naming no step. */
  unknown: Array<{ step: string; index: number; missing: string }>;
}

/**
 * Ordering rule: a step runs after the steps in its `depends_on`; without
 * `depends_on` it runs after the step listed before it; `depends_on: []`
 * makes a root.
 */
export function buildStepGraph(steps: WorkflowStep[]): StepGraph {
  const ids = new Set(steps.map(s => s.id));
  const needs = new Map<string, string[]>();
  const unknown: StepGraph['unknown'] = [];
  steps.forEach((step, i) => {
    if (step.dependsOn === undefined) {
      needs.set(step.id, i > 0 ? [steps[i - 1].id] : []);
      return;
    }
    const known: string[] = [];
    step.dependsOn.forEach((dep, index) => {
      if (ids.has(dep)) known.push(dep);
      else unknown.push({ step: step.id, index, missing: dep });
    });
    needs.set(step.id, [...new Set(known)]);
  });

  // Kahn's algorithm, always taking the earliest-listed ready step so the
  // order is stable and matches the file where it can.
  const position = new Map(steps.map((s, i) => [s.id, i]));
  const waiting = new Map([...needs].map(([id, deps]) => [id, new Set(deps)]));
  const order: string[] = [];
  const ready = steps.filter(s => waiting.get(s.id)!.size === 0).map(s => s.id);
  while (ready.length > 0) {
    ready.sort((a, b) => position.get(a)! - position.get(b)!);
    const next = ready.shift()!;
    order.push(next);
    for (const [id, deps] of waiting) {
      if (deps.delete(next) && deps.size === 0) ready.push(id);
    }
  }
  const cycles =
    order.length < steps.length ? findCycles(steps, needs, new Set(order)) : [];
  return { needs, order, cycles, unknown };
}

function findCycles(
  steps: WorkflowStep[],
  needs: Map<string, string[]>,
  ordered: Set<string>,
): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>(ordered);
  const visit = (id: string, trail: string[]) => {
    const at = trail.indexOf(id);
    if (at >= 0) {
      cycles.push(trail.slice(at));
      return;
    }
    if (done.has(id)) return;
    for (const dep of needs.get(id) ?? []) visit(dep, [...trail, id]);
    done.add(id);
  };
  for (const step of steps) visit(step.id, []);
  // each cycle once, starting from its earliest-listed step
  const position = new Map(steps.map((s, i) => [s.id, i]));
  const seen = new Set<string>();
  return cycles
    .map(trail => {
      // the trail follows "needs" edges; reversed it is the order steps run
      const cycle = [...trail].reverse();
      const start = cycle.reduce((a, b) =>
        position.get(a)! <= position.get(b)! ? a : b,
      );
      const i = cycle.indexOf(start);
      return [...cycle.slice(i), ...cycle.slice(0, i)];
    })
    .filter(cycle => {
      const key = [...cycle].sort().join('\u0000');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Ids of every step that `id` runs after, directly or transitively. */
export function ancestorsOf(graph: StepGraph, id: string): Set<string> {
  const result = new Set<string>();
  const stack = [...(graph.needs.get(id) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (result.has(next)) continue;
    result.add(next);
    stack.push(...(graph.needs.get(next) ?? []));
  }
  return result;
}
