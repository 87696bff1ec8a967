// Reading Slack's Web API errors without `any`: the SDK's platform errors carry Slack's code in `data.error`.

/** Slack's error code (`ratelimited`, `message_not_found`, …) of a failed Web API call, if it has one. */
export function slackErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('data' in error)) return undefined;
  const data: unknown = error.data;
  if (typeof data !== 'object' || data === null || !('error' in data)) return undefined;
  return typeof data.error === 'string' ? data.error : undefined;
}
