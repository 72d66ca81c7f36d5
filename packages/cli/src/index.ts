/**
 * The `gantry` command line.
 *
 * @packageDocumentation
 */
import { createProgram } from './program';

createProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(
      `gantry: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(2);
  });
