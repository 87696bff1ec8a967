// Slack's OAuth scopes for the methods the stand-in serves: a bot token without one of a method's scopes gets
// `missing_scope`, and every answer carries the token's scopes in `x-oauth-scopes`, as Slack's do.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** Any one of these scopes allows the method (conversations.* take the scope of the channel's kind). */
const METHOD_SCOPES: Record<string, readonly string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.delete': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  'usergroups.users.list': ['usergroups:read'],
  'conversations.info': ['channels:read', 'groups:read', 'im:read', 'mpim:read'],
  'conversations.history': ['channels:history', 'groups:history', 'im:history', 'mpim:history'],
  'users.info': ['users:read'],
};

/** The bot scopes manifest.yml asks for: what an app installed from it has. */
export function manifestScopes(): string[] {
  const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as {
    oauth_config: { scopes: { bot: string[] } };
  };
  return manifest.oauth_config.scopes.bot;
}

/** The scope Slack names as `needed` when `method` is called without any of its scopes; undefined when allowed. */
export function missingScope(method: string, scopes: readonly string[]): string | undefined {
  const needed = METHOD_SCOPES[method];
  if (needed === undefined || needed.some((scope) => scopes.includes(scope))) return undefined;
  return needed[0];
}
