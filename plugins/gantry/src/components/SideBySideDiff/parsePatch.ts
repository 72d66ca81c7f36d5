export interface DiffLine {
  /** Line number on its side. */
  number: number;
  text: string;
  kind: 'context' | 'removed' | 'added';
}

/** A row of the side-by-side view: a hunk header, or a line on either side. */
export type DiffRow = { hunk: string } | { left?: DiffLine; right?: DiffLine };

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/**
 * Splits a unified diff into side-by-side rows: left = old (removed and
 * context lines), right = new (added and context lines). A run of removals
 * followed by additions is paired row by row, so a changed line sits next to
 * its replacement.
 */
export function parsePatch(patch: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let oldLine = 0;
  let newLine = 0;
  let removed: DiffLine[] = [];
  let added: DiffLine[] = [];
  let inHunk = false;

  const flush = () => {
    for (let i = 0; i < Math.max(removed.length, added.length); i++) {
      rows.push({ left: removed[i], right: added[i] });
    }
    removed = [];
    added = [];
  };

  for (const line of patch.split('\n')) {
    const hunk = HUNK.exec(line);
    if (hunk) {
      flush();
      inHunk = true;
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
      rows.push({ hunk: line });
      continue;
    }
    // file headers ("Index:", "===", "---", "+++") come before the first hunk
    if (!inHunk || line.startsWith('\\')) continue;
    if (line.startsWith('-')) {
      removed.push({ number: oldLine++, text: line.slice(1), kind: 'removed' });
    } else if (line.startsWith('+')) {
      added.push({ number: newLine++, text: line.slice(1), kind: 'added' });
    } else if (line.startsWith(' ')) {
      flush();
      const text = line.slice(1);
      rows.push({
        left: { number: oldLine++, text, kind: 'context' },
        right: { number: newLine++, text, kind: 'context' },
      });
    }
  }
  flush();
  return rows;
}
