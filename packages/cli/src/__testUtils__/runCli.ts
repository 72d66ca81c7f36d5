import { main } from '../program';

/**
 * Runs the CLI in-process, as `gantry <args>`, and collects what it prints;
 * `env` sets (or, with undefined, removes) environment variables meanwhile.
 */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
) {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(c => {
    stdout += String(c);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(c => {
    stderr += String(c);
    return true;
  });
  const saved = Object.fromEntries(
    Object.keys(env).map(k => [k, process.env[k]]),
  );
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(env);
  try {
    process.exitCode = undefined;
    const code = await main(['node', 'gantry', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    apply(saved);
    process.exitCode = undefined;
  }
}
