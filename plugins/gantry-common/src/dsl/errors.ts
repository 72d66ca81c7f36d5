/** One problem found in a workflow, located as precisely as we can. */
export interface DslError {
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** Step id the problem belongs to, when it belongs to one. */
  step?: string;
  /** Reference path or document path the problem is about. */
  path?: string;
  /** Machine-readable kind, e.g. `unknown-step-type`, `cycle`, `policy`. */
  code: string;
}

/** `file:line:col: message`, the format editors and CI logs understand. */
export function formatDslError(error: DslError): string {
  const where = [error.file ?? '<input>', error.line, error.column]
    .filter(part => part !== undefined)
    .join(':');
  return `${where}: ${error.message}`;
}
