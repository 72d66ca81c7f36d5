import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { version } from '../package.json';

const bin = path.resolve(__dirname, '../bin/gantry');

describe('gantry CLI', () => {
  it('prints help describing the tool', () => {
    const out = execFileSync(process.execPath, [bin, '--help'], {
      encoding: 'utf8',
    });
    expect(out).toContain('Usage: gantry');
    expect(out).toContain('Validate, plan and run Gantry provider workflows');
    expect(out).toContain('--version');
  });

  it('prints its package version', () => {
    const out = execFileSync(process.execPath, [bin, '--version'], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe(version);
  });

  it('rejects unknown options with a usage error and no stack trace', () => {
    const res = spawnSync(process.execPath, [bin, '--frobnicate'], {
      encoding: 'utf8',
    });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("unknown option '--frobnicate'");
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});
