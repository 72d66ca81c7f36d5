import {
  Document,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
} from 'yaml';
import { DslError } from './errors';

/** A parsed YAML file that can point errors back at lines and columns. */
export class WorkflowSource {
  private value: unknown;

  private constructor(
    readonly file: string | undefined,
    readonly document: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static parse(
    text: string,
    file?: string,
  ): {
    source: WorkflowSource;
    errors: DslError[];
  } {
    const lines = new LineCounter();
    const document = parseDocument(text, {
      lineCounter: lines,
      prettyErrors: false,
      uniqueKeys: true,
    });
    const source = new WorkflowSource(file, document, lines);
    const errors = document.errors.map(e => {
      const pos = e.linePos?.[0] ?? source.position(e.pos[0]);
      return {
        code: 'yaml',
        message: `invalid YAML: ${e.message.split('\n')[0]}`,
        file,
        line: pos.line,
        column: pos.col,
      };
    });
    if (errors.length === 0) {
      // aliases that expand into too many nodes (a "billion laughs" document)
      // are refused here, as a YAML error, rather than thrown later
      try {
        source.value = document.toJS({ maxAliasCount: 100 });
      } catch (error) {
        errors.push({
          code: 'yaml',
          message: `invalid YAML: ${(error as Error).message}`,
          file,
          line: 1,
          column: 1,
        });
      }
    }
    return { source, errors };
  }

  /** The plain JS value of the document (only meaningful without YAML errors). */
  toJS(): unknown {
    return this.value;
  }

  position(offset: number): { line: number; col: number } {
    return this.lines.linePos(offset);
  }

  /**
   * Line and column of the node at `path` (keys and indexes); falls back to
   * the deepest existing ancestor. With `key: true`, points at the map key.
   */
  locate(
    path: readonly (string | number)[],
    options: { key?: boolean } = {},
  ): { line: number; column: number } {
    let node: unknown = this.document.contents;
    let best: unknown = node;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          p => (isScalar(p.key) ? p.key.value : p.key) === segment,
        );
        if (!pair) break;
        best =
          options.key && segment === path[path.length - 1]
            ? pair.key
            : pair.value ?? pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        if (!node) break;
        best = node;
      } else {
        break;
      }
    }
    const range = isNode(best) ? best.range : undefined;
    const pos = this.position(range ? range[0] : 0);
    return { line: pos.line, column: pos.col };
  }

  /** A DslError located at the value at `path`. */
  error(
    code: string,
    message: string,
    at: readonly (string | number)[],
    extra: Partial<DslError> = {},
  ): DslError {
    return { code, message, file: this.file, ...this.locate(at), ...extra };
  }

  /** A DslError located at the key of the last segment of `path`. */
  errorAtKey(
    code: string,
    message: string,
    at: readonly (string | number)[],
    extra: Partial<DslError> = {},
  ): DslError {
    return {
      code,
      message,
      file: this.file,
      ...this.locate(at, { key: true }),
      ...extra,
    };
  }
}
