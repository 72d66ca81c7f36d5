import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import fc from 'fast-check';
import { interpolateString } from './interpolate';

// Real shells run the interpolated commands: a value is safe when the command
// prints it back byte for byte and does nothing else.
const SHELLS = ['/bin/sh', '/bin/bash'];

function run(
  shell: string,
  command: string,
): { stdout: string; status: number | null } {
  const res = spawnSync(shell, ['-c', command], {
    encoding: 'utf8',
    timeout: 5000,
  });
  return { stdout: res.stdout, status: res.status };
}

function interpolate(template: string, value: string): string {
  return interpolateString(template, () => ({ value }), {
    shell: true,
  }) as string;
}

/** Templates that place ${V} in each quoting context; each prints pre<V>post. */
const TEMPLATES: Record<string, string> = {
  unquoted: "printf '%s' pre${V}post",
  'single-quoted': "printf '%s' 'pre${V}post'",
  'double-quoted': 'printf \'%s\' "pre${V}post"',
  'inside $(...) in double quotes':
    "printf '%s' \"$(printf '%s' pre${V}post)\"",
  'after a comment with an apostrophe':
    "# it's a comment\nprintf '%s' pre${V}post",
  'JSON in single quotes (seed style)':
    'printf \'%s\' \'{"name": "pre${V}post"}\'',
};

const NASTY = [
  "it's",
  'say "hi"',
  '$(touch /tmp/gantry-pwned)',
  '`touch /tmp/gantry-pwned`',
  'a; touch /tmp/gantry-pwned',
  '# not a comment',
  'line1\nline2',
  "x' || true || '",
  '\\',
  '$HOME ${HOME} $$',
  '*',
  '',
  '\'"\'"',
  'a && b | c > /tmp/gantry-pwned',
];

const PWNED = '/tmp/gantry-pwned';

describe('shell interpolation', () => {
  beforeAll(() => rmSync(PWNED, { force: true }));

  for (const shell of SHELLS) {
    for (const [context, template] of Object.entries(TEMPLATES)) {
      it(`keeps dangerous values literal: ${context} (${shell})`, () => {
        for (const value of NASTY) {
          const expected = context.startsWith('JSON')
            ? `{"name": "pre${value}post"}`
            : `pre${value}post`;
          const { stdout, status } = run(shell, interpolate(template, value));
          expect({ value, stdout, status }).toEqual({
            value,
            stdout: expected,
            status: 0,
          });
        }
      });
    }

    it(`keeps values literal in an unquoted here-document (${shell})`, () => {
      for (const value of NASTY) {
        const command = interpolate('cat <<EOF\npre${V}post\nEOF', value);
        expect(run(shell, command).stdout).toBe(`pre${value}post\n`);
      }
    });

    it(`keeps any generated value literal in every context (${shell})`, () => {
      expect(() =>
        fc.assert(
          fc.property(
            fc.string({
              unit: fc.constantFrom(
                ...'ab \'"$`\\;#&|<>(){}*?!~\n\t='.split(''),
              ),
              maxLength: 12,
            }),
            fc.constantFrom('unquoted', 'single-quoted', 'double-quoted'),
            (value, context) => {
              const { stdout, status } = run(
                shell,
                interpolate(TEMPLATES[context], value),
              );
              return status === 0 && stdout === `pre${value}post`;
            },
          ),
          { numRuns: 60 },
        ),
      ).not.toThrow();
    });
  }

  it('refuses a value that would end the here-document it lands in', () => {
    expect(() =>
      interpolate('cat <<EOF\n${V}\nEOF', 'x\nEOF\ntouch /tmp/gantry-pwned'),
    ).toThrow(/would end the here-document/);
  });

  it('leaves shell-only expansions alone and honours $$', () => {
    expect(interpolate('echo ${HOME:-/tmp} $${V} ${V}', 'x')).toBe(
      "echo ${HOME:-/tmp} ${V} 'x'",
    );
  });

  // runs last: none of the values above managed to run a command of its own
  it('let no value run a command', () => {
    expect(existsSync(PWNED)).toBe(false);
  });
});
