/**
 * Shell-safe interpolation: a value inserted into a shell command is quoted
 * for the context it lands in, so no value can change the command's
 * structure. Hand-written because it must know the quoting context at each
 * insertion point (quotes, `$(...)`, backticks, comments, here-documents),
 * which shell-quoting libraries do not track.
 */

export type ShellContext =
  | 'unquoted'
  | 'single'
  | 'double'
  /** body of `<<EOF` (expansions happen) */
  | 'heredoc'
  /** body of `<<'EOF'` (no expansion) */
  | 'heredoc-literal';

/** Thrown when a value cannot be inserted safely where it was placed. */
export class ShellInterpolationError extends Error {}

/**
 * Quotes `value` so that, inserted in `context`, the shell reads it
 * literally. `heredocDelimiter` is the delimiter of the enclosing
 * here-document, which a value must not be able to end.
 */
export function quoteForShell(
  value: string,
  context: ShellContext,
  heredocDelimiter?: string,
): string {
  switch (context) {
    case 'single':
      // Close the quote, add an escaped quote, reopen: 'it'\''s'
      return value.replace(/'/g, `'\\''`);
    case 'double':
      // Inside "...", only \ " $ and ` are special.
      return value.replace(/[\\"$`]/g, c => `\\${c}`);
    case 'heredoc':
    case 'heredoc-literal': {
      if (
        heredocDelimiter !== undefined &&
        value
          .split('\n')
          .some(line => line.replace(/^\t+/, '') === heredocDelimiter)
      ) {
        throw new ShellInterpolationError(
          `the value contains a line '${heredocDelimiter}' that would end the here-document`,
        );
      }
      return context === 'heredoc'
        ? value.replace(/[\\$`]/g, c => `\\${c}`)
        : value;
    }
    default:
      return `'${value.replace(/'/g, `'\\''`)}'`;
  }
}

type Frame = 'unquoted' | 'single' | 'double' | 'subshell' | 'backtick';

interface PendingHeredoc {
  delimiter: string;
  literal: boolean;
  stripTabs: boolean;
}

const WORD_START_BEFORE = /[\s;&|()]/;

/**
 * Tracks the quoting context while a shell command is read left to right,
 * in pieces: `feed` literal text, read `context`, insert a quoted value,
 * `feed` the next piece.
 */
export class ShellContextTracker {
  private readonly stack: Frame[] = ['unquoted'];
  private escaped = false;
  private inComment = false;
  private previous = '\n';
  private pendingHeredocs: PendingHeredoc[] = [];
  private heredoc: PendingHeredoc | undefined;
  private heredocLine = '';

  get context(): ShellContext {
    if (this.heredoc)
      return this.heredoc.literal ? 'heredoc-literal' : 'heredoc';
    const top = this.top;
    return top === 'single' || top === 'double' ? top : 'unquoted';
  }

  get heredocDelimiter(): string | undefined {
    return this.heredoc?.delimiter;
  }

  /** Quotes a value for the current position. */
  quote(value: string): string {
    const quoted = quoteForShell(value, this.context, this.heredocDelimiter);
    if (this.heredoc) this.heredocLine += '\u0000'; // a value never ends the body
    return quoted;
  }

  private get top(): Frame {
    return this.stack[this.stack.length - 1];
  }

  /** Advances over literal command text. */
  feed(text: string): void {
    for (let i = 0; i < text.length; i++) {
      i = this.step(text, i);
    }
  }

  private step(text: string, i: number): number {
    const ch = text[i];
    const previous = this.previous;
    this.previous = ch;

    if (this.heredoc) {
      if (ch === '\n') {
        const line = this.heredoc.stripTabs
          ? this.heredocLine.replace(/^\t+/, '')
          : this.heredocLine;
        this.heredocLine = '';
        if (line === this.heredoc.delimiter)
          this.heredoc = this.pendingHeredocs.shift();
      } else {
        this.heredocLine += ch;
      }
      return i;
    }
    if (this.inComment) {
      if (ch === '\n') this.endOfLine();
      return i;
    }
    if (this.escaped) {
      this.escaped = false;
      return i;
    }
    const top = this.top;
    if (top === 'single') {
      if (ch === "'") this.stack.pop();
      return i;
    }
    if (ch === '\\') {
      this.escaped = true;
      return i;
    }
    if (top === 'double') {
      if (ch === '"') this.stack.pop();
      else if (ch === '$' && text[i + 1] === '(') {
        this.stack.push('subshell');
        return i + 1;
      } else if (ch === '`') this.stack.push('backtick');
      return i;
    }
    // unquoted, inside $(...) or inside backticks
    if (ch === '#' && WORD_START_BEFORE.test(previous)) {
      this.inComment = true;
    } else if (ch === "'") this.stack.push('single');
    else if (ch === '"') this.stack.push('double');
    else if (ch === '$' && text[i + 1] === '(') {
      this.stack.push('subshell');
      return i + 1;
    } else if (ch === ')' && top === 'subshell') this.stack.pop();
    else if (ch === '`') {
      if (top === 'backtick') this.stack.pop();
      else this.stack.push('backtick');
    } else if (ch === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
      return this.readHeredocOperator(text, i);
    } else if (ch === '\n') {
      this.endOfLine();
    }
    return i;
  }

  private readHeredocOperator(text: string, i: number): number {
    const match =
      /^<<(-?)[ \t]*(?:'([^']+)'|"([^"]+)"|\\?([A-Za-z0-9_.-]+))/.exec(
        text.slice(i),
      );
    if (!match) return i + 1;
    this.pendingHeredocs.push({
      delimiter: match[2] ?? match[3] ?? match[4],
      literal:
        match[2] !== undefined ||
        match[3] !== undefined ||
        match[0].includes('\\'),
      stripTabs: match[1] === '-',
    });
    this.previous = 'x';
    return i + match[0].length - 1;
  }

  private endOfLine(): void {
    this.inComment = false;
    if (this.pendingHeredocs.length > 0 && this.top === 'unquoted') {
      this.heredoc = this.pendingHeredocs.shift();
      this.heredocLine = '';
    }
  }
}
