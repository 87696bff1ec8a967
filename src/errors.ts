/** The message of anything thrown, for logs, audit details and what a person is told. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
