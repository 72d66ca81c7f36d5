import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.resolve(__dirname, '../bin/gantry');
const SEEDS = path.join(
  ROOT,
  'plugins/gantry-common/src/dsl/__fixtures__/seeds',
);

jest.setTimeout(60_000);

function gantry(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('gantry run --local', () => {
  const hello = path.join(
    SEEDS,
    'secure-workflow-orchestration__L18__hello-world.yaml',
  );

  it("runs the seed's hello-world and prints its output live", () => {
    const res = gantry(['run', hello, '--local', '--input', 'name=Ada']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /▶ greet started\n {2}greet │ Hello Ada!\n✔ greet succeeded\nrun succeeded/,
    );
  });

  it('prints one JSON document following the contract', () => {
    const res = gantry(['run', hello, '--local', '--json']);
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout);
    expect(doc.status).toBe('succeeded');
    expect(doc.steps).toHaveLength(1);
    expect(doc.steps[0]).toMatchObject({
      id: 'greet',
      status: 'succeeded',
      attempts: 1,
      outputs: { stdout: 'Hello Developer!\n', exit_code: 0 },
    });
    expect(Date.parse(doc.steps[0].finishedAt)).toBeGreaterThanOrEqual(
      Date.parse(doc.steps[0].startedAt),
    );
  });

  it("runs the seed's deploy-application in a project directory", () => {
    // A real npm project; kubectl is a stand-in script because no Kubernetes
    // API can run on these machines. It records the arguments it was given.
    const project = mkdtempSync(path.join(tmpdir(), 'gantry-project-'));
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'app', scripts: { test: 'echo tests pass' } }),
    );
    const bin = path.join(project, 'bin');
    mkdirSync(bin);
    writeFileSync(
      path.join(bin, 'kubectl'),
      `#!/bin/sh\necho "kubectl $*" | tee ${project}/kubectl.log\n`,
    );
    chmodSync(path.join(bin, 'kubectl'), 0o755);
    const file = path.join(
      SEEDS,
      'secure-workflow-orchestration__L154__deploy-application.yaml',
    );
    const res = gantry(
      [
        'run',
        file,
        '--local',
        '--workdir',
        project,
        '--input',
        'environment=prod',
        '--json',
      ],
      {
        PATH: `${bin}:${process.env.PATH}`,
      },
    );
    const doc = JSON.parse(res.stdout);
    expect(doc.steps.map((s: any) => [s.id, s.status, s.error])).toEqual([
      ['validate-environment', 'succeeded', undefined],
      ['run-tests', 'succeeded', undefined],
      ['deploy', 'succeeded', undefined],
    ]);
    expect(doc.status).toBe('succeeded');
    expect(res.code).toBe(0);
    expect(readFileSync(path.join(project, 'kubectl.log'), 'utf8')).toBe(
      'kubectl apply -f k8s/prod/\n',
    );
  });

  it('exits 1 with file:line:col when inputs break the workflow', () => {
    const file = path.join(
      SEEDS,
      'secure-workflow-orchestration__L154__deploy-application.yaml',
    );
    const res = gantry(['run', file, '--local', '--input', 'environment=qa']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `${file}:8:3: input 'environment' value "qa" does not match pattern`,
    );
  });

  it('exits 1 when the run fails and shows why', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gantry-fail-'));
    const file = path.join(dir, 'fail.yaml');
    writeFileSync(
      file,
      'name: fail\nsteps:\n  - id: boom\n    type: shell\n    command: echo about to fail; exit 7\n',
    );
    const res = gantry(['run', file, '--local']);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(
      '✖ boom failed: the command exited with code 7',
    );
    expect(res.stdout).toContain('run failed: step boom failed');
  });

  it('needs --local or --server', () => {
    const res = gantry(['run', hello]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('choose where to run');
  });
});
