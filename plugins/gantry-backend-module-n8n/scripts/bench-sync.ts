/*
 * n8n adapter benchmark: yarn workspace @internal/plugin-gantry-backend-module-n8n bench
 * (needs scripts/n8n.sh install).
 *
 * Starts a real n8n (the test harness), uploads 100 workflows of 11 nodes
 * through the adapter's apply (and applies them again, unchanged), then times
 * readLive of all 100 (the read a sync or drift check does) against a
 * baseline measured in the same run: the same pages fetched raw from n8n's
 * public API, without normalising.
 */
import { AdapterEnvironment } from '@internal/plugin-gantry-node';
import { createN8nEnvironmentAdapter } from '../src/adapter';
import { N8nClient } from '../src/N8nClient';
import { n8nInstallation, startN8n } from '../src/testUtils';

const WORKFLOWS = 100;
const NODES = 10;
const RUNS = 7;

function workflow(name: string): string {
  const nodes: Array<Record<string, unknown>> = [
    {
      name: 'Every hour',
      type: 'n8n-nodes-base.scheduleTrigger',
      typeVersion: 1.2,
      position: [0, 0],
      parameters: { rule: { interval: [{ field: 'hours' }] } },
    },
  ];
  const connections: Record<string, unknown> = {};
  let previous = 'Every hour';
  for (let i = 1; i <= NODES; i++) {
    const node = `Step ${i}`;
    nodes.push({
      name: node,
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      position: [220 * i, 0],
      parameters: {
        assignments: {
          assignments: [
            {
              id: `a${i}`,
              name: `field${i}`,
              value: `={{ $json.field${i - 1} ?? '${name}' }}-${i}`,
              type: 'string',
            },
          ],
        },
        options: {},
      },
    });
    connections[previous] = { main: [[{ node, type: 'main', index: 0 }]] };
    previous = node;
  }
  return JSON.stringify({
    name,
    nodes,
    connections,
    settings: { executionOrder: 'v1' },
  });
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const n8n = await startN8n();
  try {
    const env: AdapterEnvironment = {
      id: 'bench',
      name: 'bench',
      class: 'dev',
      settings: { baseUrl: n8n.baseUrl },
      secrets: { apiKey: n8n.apiKey },
    };
    const adapter = createN8nEnvironmentAdapter();
    const client = new N8nClient({ baseUrl: n8n.baseUrl, apiKey: n8n.apiKey });
    const definitions = Array.from({ length: WORKFLOWS }, (_, i) =>
      workflow(`bench-${String(i).padStart(3, '0')}`),
    );
    const bytes = definitions.reduce((sum, d) => sum + d.length, 0);

    let start = performance.now();
    await adapter.apply(
      env,
      definitions.map(definition => ({
        name: JSON.parse(definition).name,
        definition,
        active: false,
      })),
    );
    const uploadMs = performance.now() - start;

    // the same again: each workflow is looked up and found unchanged
    start = performance.now();
    await adapter.apply(
      env,
      definitions.map(definition => ({
        name: JSON.parse(definition).name,
        definition,
        active: false,
      })),
    );
    const unchangedMs = performance.now() - start;

    const raw: number[] = [];
    const live: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      start = performance.now();
      const pages = await client.list('/workflows', {
        query: { excludePinnedData: true },
      });
      raw.push(performance.now() - start);
      if (pages.length !== WORKFLOWS) throw new Error('raw read missed some');

      start = performance.now();
      const read = await adapter.readLive!(env);
      live.push(performance.now() - start);
      if (read.length !== WORKFLOWS) throw new Error('readLive missed some');
    }

    const ms = (v: number) => `${v.toFixed(0).padStart(6)} ms`;
    console.log(
      `n8n adapter benchmark: ${WORKFLOWS} workflows of ${
        NODES + 1
      } nodes (${Math.round(bytes / WORKFLOWS)} bytes each), n8n ${
        n8nInstallation().version
      } on SQLite, Node ${process.version}`,
    );
    console.log(`n8n start (harness)                 ${ms(n8n.startupMs)}`);
    console.log(
      `apply: create ${WORKFLOWS} (one by one)       ${ms(uploadMs)}   ${(
        uploadMs / WORKFLOWS
      ).toFixed(1)} ms per workflow`,
    );
    console.log(
      `apply: the same again (unchanged)   ${ms(unchangedMs)}   ${(
        unchangedMs / WORKFLOWS
      ).toFixed(1)} ms per workflow`,
    );
    console.log(
      `raw GET /workflows, all (baseline)  ${ms(
        median(raw),
      )}   median of ${RUNS}`,
    );
    console.log(
      `readLive, all ${WORKFLOWS}                   ${ms(median(live))}   ${(
        median(live) / median(raw)
      ).toFixed(2)}× raw`,
    );
  } finally {
    await n8n.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
