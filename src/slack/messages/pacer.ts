import { webApi } from '@slack/bolt';

/** Slack's limit on chat.postMessage: about one message per second per channel, with generous bursts. */
export const CHANNEL_POST_INTERVAL_MS = 1_050;
/** After Slack answers a post with 429, posts keep to that interval until none was made for this long. */
export const RATE_LIMITED_FOR_MS = 60_000;

/**
 * Runs posts to a channel as Slack allows them: a burst goes out at once, but once Slack has answered a post with
 * 429 (the client waits its Retry-After and retries), each post waits its turn, so the rest of a backlog meets no
 * further 429s. A product's posts run one at a time (its `slack-channel:<product>` queue, jobs/definitions.ts), so a
 * turn is at most a second away.
 */
export function channelPacer(client: webApi.WebClient) {
  let limitedUntil = 0;
  const lastPost = new Map<string, number>();
  client.on(webApi.WebClientEvent.RATE_LIMITED, (_seconds: number, request?: { url?: string }) => {
    if (request?.url?.includes('chat.postMessage')) limitedUntil = Date.now() + RATE_LIMITED_FOR_MS;
  });
  return async <T>(channel: string, post: () => Promise<T>): Promise<T> => {
    const wait = (lastPost.get(channel) ?? 0) + CHANNEL_POST_INTERVAL_MS - Date.now();
    if (Date.now() < limitedUntil && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      return await post();
    } finally {
      const now = Date.now();
      lastPost.set(channel, now);
      if (now < limitedUntil) limitedUntil = now + RATE_LIMITED_FOR_MS; // a backlog stays paced to its end
    }
  };
}

export type Pacer = ReturnType<typeof channelPacer>;
