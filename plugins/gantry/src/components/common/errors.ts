/** The HTTP status of a failed Gantry call (a ResponseError), if any. */
export function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: number; response?: { status?: number } };
  return e?.statusCode ?? e?.response?.status;
}

/** The server's own message: ResponseError's message is only the status line. */
export function messageOf(error: unknown): string {
  const e = error as { cause?: { message?: string }; message?: string };
  return e?.cause?.message || e?.message || String(error);
}
