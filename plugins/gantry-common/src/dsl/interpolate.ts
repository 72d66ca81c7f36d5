import { RefPart, scanTemplate } from './template';
import { ShellContextTracker } from './shell';

/** How one reference should be rendered: a value, or kept as written. */
export type RefRendering = { value: unknown } | { keep: true };

function display(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Replaces references in `text`. With `shell: true` each value is quoted for
 * the quoting context it lands in, so it stays one literal word or string.
 * A string that is exactly one reference keeps the value's own type.
 */
export function interpolateString(
  text: string,
  render: (ref: RefPart) => RefRendering,
  options: { shell?: boolean } = {},
): unknown {
  const parts = scanTemplate(text);
  if (!options.shell && parts.length === 1 && parts[0].kind === 'ref') {
    const only = render(parts[0]);
    return 'keep' in only ? parts[0].raw : only.value;
  }
  const tracker = options.shell ? new ShellContextTracker() : undefined;
  let out = '';
  for (const part of parts) {
    if (part.kind === 'text') {
      tracker?.feed(part.text);
      out += part.text;
      continue;
    }
    const rendering = render(part);
    if ('keep' in rendering) {
      tracker?.feed(part.raw);
      out += part.raw;
    } else {
      const value = display(rendering.value);
      out += tracker ? tracker.quote(value) : value;
    }
  }
  return out;
}

/** Interpolates every string inside a config value, keeping its shape. */
export function interpolateValue(
  value: unknown,
  render: (ref: RefPart, path: (string | number)[]) => RefRendering,
  isShell: (path: (string | number)[]) => boolean,
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    return interpolateString(value, ref => render(ref, path), {
      shell: isShell(path),
    });
  }
  if (Array.isArray(value)) {
    return value.map((item, i) =>
      interpolateValue(item, render, isShell, [...path, i]),
    );
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        interpolateValue(v, render, isShell, [...path, k]),
      ]),
    );
  }
  return value;
}
