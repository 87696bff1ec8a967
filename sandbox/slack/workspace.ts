// The state of one Slack workspace and the Web API methods that read and change it, without HTTP: channels with
// their messages and threads, ephemeral messages, modals, trigger ids, file uploads, user groups and response URLs.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  BLOCK_KIT_LIMITS,
  MESSAGE_BLOCKS_TEXT_LIMIT,
  messageBlocksTextLength,
  validateMessageBlocks,
  validateView,
} from './block-kit.js';
import { newTriggerId, SANDBOX_APP_ID, SANDBOX_BOT_USER_ID, SANDBOX_TEAM } from './requests.js';

export type Reply = { ok: boolean } & Record<string, unknown>;

export interface SandboxChannel {
  id: string;
  name: string;
  /** User ids in the channel; ephemeral messages need the recipient to be a member. Default: every user. */
  members?: string[];
  /**
   * Whether rebut's bot was invited. Default true. Not invited, it may post only with `chat:write.public` (a public
   * channel), and reading history or sharing a file there answers `not_in_channel`, as on Slack.
   */
  botIsMember?: boolean;
}

export interface SandboxUser {
  id: string;
  name: string;
  realName?: string;
  isBot?: boolean;
}

export interface SlackMessage {
  type: 'message';
  ts: string;
  channel: string;
  text: string;
  blocks?: unknown[];
  user: string;
  bot_id: string;
  app_id: string;
  team: string;
  thread_ts?: string;
  metadata?: unknown;
  files?: { id: string; name: string; title: string }[];
  edited?: { user: string; ts: string };
  /** Thread replies, oldest first (only on top-level messages). */
  replies: SlackMessage[];
}

export interface EphemeralMessage {
  message_ts: string;
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
}

export interface UploadedFile {
  id: string;
  name: string;
  title: string;
  bytes: Buffer;
  altText?: string;
  /** Unset when the upload was completed without sharing it to a channel. */
  channel?: string;
  thread_ts?: string;
  initialComment?: string;
}

export interface RecordedResponse {
  id: string;
  at: Date;
  response_type?: string;
  text?: string;
  blocks?: unknown[];
  replace_original?: boolean;
  delete_original?: boolean;
  thread_ts?: string;
}

/** Where a response URL's replies land: the message a button was on, or just the channel of a slash command. */
export interface ResponseTarget {
  channel: string;
  messageTs?: string;
  userId?: string;
}

interface ViewLinks {
  rootViewId: string | null;
  previousViewId: string | null;
}

interface StoredView {
  view: Record<string, unknown>;
  hash: string;
  links: ViewLinks;
}

interface PendingUpload {
  filename: string;
  length: number;
  altText?: string;
  bytes?: Buffer;
}

export interface WorkspaceOptions {
  channels: SandboxChannel[];
  users: SandboxUser[];
  usergroups: Record<string, string[]>;
  /** The token has `chat:write.public`: it may post where the bot was not invited. */
  canPostPublic: boolean;
  botUserId: string;
  botId: string;
  /** A trigger id opens a view within this long of being issued (Slack: 3 s). */
  triggerIdTtlMs: number;
  /** How long a response URL works after it is handed out (Slack: 30 minutes). */
  responseUrlTtlMs: number;
  /** Base URL of the server, for upload URLs. */
  baseUrl: () => string;
}

const ok = (fields: Record<string, unknown> = {}): Reply => ({ ok: true, ...fields });
const fail = (error: string, fields: Record<string, unknown> = {}): Reply => ({ ok: false, error, ...fields });

function invalidBlocks(errors: string[]): Reply {
  return fail('invalid_blocks', { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
}

function invalidArguments(messages: string[]): Reply {
  return fail('invalid_arguments', { response_metadata: { messages: messages.map((m) => `[ERROR] ${m}`) } });
}

/** Zod issues in Slack's wording, for `invalid_arguments`. */
function zodMessages(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.message} [json-pointer:/${issue.path.join('/')}]`);
}

function slackId(prefix: string): string {
  return prefix + randomBytes(5).toString('hex').toUpperCase();
}

const optionalString = z.string().optional();
const flag = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).optional();

// One schema per method: what the sandbox reads from the arguments. Everything else passes through untouched.
const PostMessageArgs = z.looseObject({
  channel: optionalString,
  text: optionalString,
  blocks: z.unknown().optional(),
  attachments: z.unknown().optional(),
  thread_ts: optionalString,
  metadata: z.unknown().optional(),
});
const UpdateArgs = PostMessageArgs.extend({ ts: optionalString });
const EphemeralArgs = PostMessageArgs.extend({ user: optionalString });
const DeleteArgs = z.looseObject({ channel: optionalString, ts: optionalString });
const ViewsOpenArgs = z.looseObject({ trigger_id: optionalString, view: z.unknown() });
const ViewsUpdateArgs = z.looseObject({
  view_id: optionalString,
  external_id: optionalString,
  hash: optionalString,
  view: z.unknown(),
});
const ViewsPublishArgs = z.looseObject({ user_id: z.string(), view: z.unknown(), hash: optionalString });
const UploadUrlArgs = z.looseObject({
  filename: z.string().min(1),
  length: z.coerce.number().int().positive(),
  alt_text: optionalString,
});
const CompleteUploadArgs = z.looseObject({
  files: z.array(z.looseObject({ id: z.string(), title: optionalString })).min(1),
  channel_id: optionalString,
  channels: optionalString,
  thread_ts: optionalString,
  initial_comment: optionalString,
  blocks: z.unknown().optional(),
});
const UsergroupArgs = z.looseObject({ usergroup: optionalString, include_disabled: flag });
const ChannelArgs = z.looseObject({ channel: optionalString });
const HistoryArgs = z.looseObject({
  channel: optionalString,
  oldest: optionalString,
  latest: optionalString,
  inclusive: flag,
  include_all_metadata: flag,
  limit: z.coerce.number().int().min(1).max(999).optional(),
  cursor: optionalString,
});
const UserArgs = z.looseObject({ user: optionalString });
const ResponseBody = z.looseObject({
  text: optionalString,
  blocks: z.unknown().optional(),
  response_type: z.enum(['in_channel', 'ephemeral']).optional(),
  replace_original: z.union([z.boolean(), z.string()]).optional(),
  delete_original: z.union([z.boolean(), z.string()]).optional(),
  thread_ts: optionalString,
});

const truthy = (value: unknown): boolean => value === true || value === 'true';

/** Runs a method on its parsed arguments; arguments of the wrong shape are Slack's `invalid_arguments`. */
function withArgs<S extends z.ZodType>(schema: S, method: (args: z.infer<S>) => Reply) {
  return (raw: Record<string, unknown>): Reply => {
    const parsed = schema.safeParse(raw);
    return parsed.success ? method(parsed.data) : invalidArguments(zodMessages(parsed.error));
  };
}

export class Workspace {
  readonly ephemerals: EphemeralMessage[] = [];
  readonly uploadedFiles: UploadedFile[] = [];
  readonly responses: RecordedResponse[] = [];
  private readonly channels = new Map<string, SandboxChannel>();
  private readonly users = new Map<string, SandboxUser>();
  private readonly usergroups: Map<string, string[]>;
  private readonly messagesByChannel = new Map<string, SlackMessage[]>();
  private readonly views = new Map<string, StoredView>();
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  private readonly uploads = new Map<string, PendingUpload>();
  private readonly responseUrls = new Map<string, { uses: number; issuedAt: number; target?: ResponseTarget }>();
  private lastTsMicros = 0n;

  readonly methods: Record<string, (args: Record<string, unknown>) => Reply> = {
    'auth.test': () => this.authTest(),
    'chat.postMessage': withArgs(PostMessageArgs, (args) => this.postMessage(args)),
    'chat.update': withArgs(UpdateArgs, (args) => this.update(args)),
    'chat.postEphemeral': withArgs(EphemeralArgs, (args) => this.postEphemeral(args)),
    'chat.delete': withArgs(DeleteArgs, (args) => this.delete(args)),
    'views.open': withArgs(ViewsOpenArgs, (args) => this.openView(args)),
    'views.push': withArgs(ViewsOpenArgs, (args) => this.openView(args)),
    'views.update': withArgs(ViewsUpdateArgs, (args) => this.updateView(args)),
    'views.publish': withArgs(ViewsPublishArgs, (args) => this.publishView(args)),
    'files.getUploadURLExternal': withArgs(UploadUrlArgs, (args) => this.getUploadUrl(args)),
    'files.completeUploadExternal': withArgs(CompleteUploadArgs, (args) => this.completeUpload(args)),
    'usergroups.users.list': withArgs(UsergroupArgs, (args) => this.usergroupUsers(args)),
    'conversations.info': withArgs(ChannelArgs, (args) => this.conversationInfo(args)),
    'conversations.history': withArgs(HistoryArgs, (args) => this.history(args)),
    'users.info': withArgs(UserArgs, (args) => this.userInfo(args)),
  };

  constructor(private readonly options: WorkspaceOptions) {
    for (const channel of options.channels) this.channels.set(channel.id, channel);
    for (const user of options.users) this.users.set(user.id, user);
    this.usergroups = new Map(Object.entries(options.usergroups));
  }

  /** Current messages of a channel, oldest first, each with its thread replies. */
  messages(channel: string): SlackMessage[] {
    return structuredClone(this.messagesByChannel.get(channel) ?? []);
  }

  issueTriggerId(now: number): string {
    const id = newTriggerId();
    this.triggers.set(id, { issuedAt: now, used: false });
    return id;
  }

  registerResponseUrl(id: string, now: number, target?: ResponseTarget): void {
    this.responseUrls.set(id, { uses: 0, issuedAt: now, ...(target === undefined ? {} : { target }) });
  }

  /** Stores bytes POSTed to an upload URL; false when the URL was never handed out. */
  receiveUpload(fileId: string, bytes: Buffer): boolean {
    const upload = this.uploads.get(fileId);
    if (upload === undefined) return false;
    upload.bytes = bytes;
    return true;
  }

  /**
   * A POST to a response URL (Bolt's `respond()`): an HTTP status and body, as Slack answers them.
   * Slack allows five uses of one response URL, within 30 minutes of the request that carried it.
   */
  respond(id: string, body: unknown, now: number): { status: number; body: string } {
    const entry = this.responseUrls.get(id);
    if (entry === undefined) return { status: 404, body: 'no_such_url' };
    if (now - entry.issuedAt > this.options.responseUrlTtlMs) return { status: 404, body: 'expired_url' };
    if (entry.uses >= 5) return { status: 404, body: 'used_url' };
    const parsed = ResponseBody.safeParse(body);
    if (!parsed.success) return { status: 400, body: 'invalid_payload' };
    const response = parsed.data;
    if (response.blocks !== undefined && validateMessageBlocks(response.blocks).length > 0) {
      return { status: 400, body: 'invalid_blocks' };
    }
    entry.uses += 1;
    const blocks = Array.isArray(response.blocks) ? response.blocks : undefined;
    this.responses.push({
      id,
      at: new Date(),
      ...(response.response_type === undefined ? {} : { response_type: response.response_type }),
      ...(response.text === undefined ? {} : { text: response.text }),
      ...(blocks === undefined ? {} : { blocks }),
      ...(response.replace_original === undefined ? {} : { replace_original: truthy(response.replace_original) }),
      ...(response.delete_original === undefined ? {} : { delete_original: truthy(response.delete_original) }),
      ...(response.thread_ts === undefined ? {} : { thread_ts: response.thread_ts }),
    });
    if (entry.target !== undefined) this.applyResponse(entry.target, response, blocks);
    return { status: 200, body: 'ok' };
  }

  private applyResponse(
    target: ResponseTarget,
    response: z.infer<typeof ResponseBody>,
    blocks: unknown[] | undefined,
  ): void {
    const original = target.messageTs === undefined ? undefined : this.findMessage(target.channel, target.messageTs);
    if (original !== undefined && truthy(response.delete_original)) {
      this.removeMessage(target.channel, original.ts);
    } else if (original !== undefined && truthy(response.replace_original)) {
      original.text = response.text ?? '';
      if (blocks === undefined) delete original.blocks;
      else original.blocks = blocks;
    } else if (response.response_type === 'in_channel') {
      this.addMessage(target.channel, { text: response.text ?? '', blocks, threadTs: response.thread_ts });
    } else {
      this.ephemerals.push({
        message_ts: this.nextTs(),
        channel: target.channel,
        user: target.userId ?? '',
        text: response.text ?? '',
        ...(blocks === undefined ? {} : { blocks }),
      });
    }
  }

  private authTest(): Reply {
    return ok({
      url: `https://${SANDBOX_TEAM.domain}.slack.com/`,
      team: 'Rebut Sandbox',
      user: 'rebut',
      team_id: SANDBOX_TEAM.id,
      user_id: this.options.botUserId,
      bot_id: this.options.botId,
      is_enterprise_install: false,
    });
  }

  private postMessage(args: z.infer<typeof PostMessageArgs>): Reply {
    const channel = this.resolveChannel(args.channel);
    if (channel === undefined) return fail('channel_not_found');
    if (!this.botIn(channel) && !this.options.canPostPublic) return fail('not_in_channel');
    const invalid = this.checkContent(args) ?? this.checkBlocksText(args.blocks);
    if (invalid !== undefined) return invalid;
    let threadTs: string | undefined;
    if (args.thread_ts !== undefined) {
      const parent = this.findMessage(channel, args.thread_ts);
      if (parent === undefined) return fail('thread_not_found');
      threadTs = parent.thread_ts ?? parent.ts;
    }
    const message = this.addMessage(channel, {
      text: args.text ?? '',
      blocks: Array.isArray(args.blocks) ? args.blocks : undefined,
      threadTs,
      metadata: args.metadata,
    });
    return ok({ channel, ts: message.ts, message: this.wireMessage(message), ...this.fallbackWarning(args) });
  }

  private update(args: z.infer<typeof UpdateArgs>): Reply {
    const channel = this.resolveChannel(args.channel);
    if (channel === undefined) return fail('channel_not_found');
    if (args.ts === undefined) return fail('message_not_found');
    const message = this.findMessage(channel, args.ts);
    if (message === undefined) return fail('message_not_found');
    const invalid = this.checkContent(args) ?? this.checkBlocksText(args.blocks);
    if (invalid !== undefined) return invalid;
    // Slack replaces the whole content: text without blocks removes the blocks.
    message.text = args.text ?? '';
    if (Array.isArray(args.blocks)) message.blocks = args.blocks;
    else delete message.blocks;
    if (args.metadata !== undefined) message.metadata = args.metadata;
    message.edited = { user: this.options.botUserId, ts: this.nextTs() };
    return ok({ channel, ts: message.ts, text: message.text, message: this.wireMessage(message) });
  }

  private postEphemeral(args: z.infer<typeof EphemeralArgs>): Reply {
    const channel = this.resolveChannel(args.channel);
    if (channel === undefined) return fail('channel_not_found');
    if (args.user === undefined || !this.isMember(channel, args.user)) return fail('user_not_in_channel');
    const invalid = this.checkContent(args);
    if (invalid !== undefined) return invalid;
    const ephemeral: EphemeralMessage = {
      message_ts: this.nextTs(),
      channel,
      user: args.user,
      text: args.text ?? '',
      ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
      ...(args.thread_ts === undefined ? {} : { thread_ts: args.thread_ts }),
    };
    this.ephemerals.push(ephemeral);
    return ok({ message_ts: ephemeral.message_ts });
  }

  private delete(args: z.infer<typeof DeleteArgs>): Reply {
    const channel = this.resolveChannel(args.channel);
    if (channel === undefined) return fail('channel_not_found');
    if (args.ts === undefined || !this.removeMessage(channel, args.ts)) return fail('message_not_found');
    return ok({ channel, ts: args.ts });
  }

  private openView(args: z.infer<typeof ViewsOpenArgs>): Reply {
    if (args.trigger_id === undefined) return invalidArguments(['missing required field: trigger_id']);
    const trigger = this.triggers.get(args.trigger_id);
    if (trigger === undefined) return fail('invalid_trigger_id');
    if (trigger.used) return fail('exchanged_trigger_id');
    if (Date.now() - trigger.issuedAt > this.options.triggerIdTtlMs) return fail('expired_trigger_id');
    const errors = validateView(args.view);
    if (errors.length > 0) return invalidArguments(errors);
    trigger.used = true;
    const id = slackId('V');
    const view = this.storeView(id, args.view, { rootViewId: id, previousViewId: null });
    return ok({ view });
  }

  private updateView(args: z.infer<typeof ViewsUpdateArgs>): Reply {
    const id =
      args.view_id ??
      [...this.views.entries()].find(([, stored]) => {
        return args.external_id !== undefined && stored.view.external_id === args.external_id;
      })?.[0];
    if (id === undefined) {
      return args.external_id === undefined && args.view_id === undefined
        ? invalidArguments(['must provide either `view_id` or `external_id`'])
        : fail('not_found');
    }
    const stored = this.views.get(id);
    if (stored === undefined) return fail('not_found');
    if (args.hash !== undefined && args.hash !== stored.hash) return fail('hash_conflict');
    const errors = validateView(args.view);
    if (errors.length > 0) return invalidArguments(errors);
    const view = this.storeView(id, args.view, stored.links);
    return ok({ view });
  }

  private publishView(args: z.infer<typeof ViewsPublishArgs>): Reply {
    if (!this.users.has(args.user_id)) return fail('user_not_found');
    const errors = validateView(args.view);
    if (errors.length > 0) return invalidArguments(errors);
    return ok({ view: this.storeView(slackId('V'), args.view, { rootViewId: null, previousViewId: null }) });
  }

  private storeView(id: string, view: unknown, links: ViewLinks): Record<string, unknown> {
    // Only called after validateView, which rejects anything but an object.
    const input: Record<string, unknown> = typeof view === 'object' && view !== null ? { ...view } : {};
    const hash = `${Math.floor(Date.now() / 1000)}.${randomBytes(6).toString('base64url')}`;
    const stored: Record<string, unknown> = {
      id,
      team_id: SANDBOX_TEAM.id,
      type: input.type,
      blocks: this.withBlockIds(Array.isArray(input.blocks) ? input.blocks : []),
      private_metadata: input.private_metadata ?? '',
      callback_id: input.callback_id ?? '',
      state: { values: {} },
      hash,
      title: input.title ?? null,
      clear_on_close: input.clear_on_close ?? false,
      notify_on_close: input.notify_on_close ?? false,
      close: input.close ?? null,
      submit: input.submit ?? null,
      previous_view_id: links.previousViewId,
      root_view_id: links.rootViewId,
      app_id: SANDBOX_APP_ID,
      external_id: input.external_id ?? '',
      app_installed_team_id: SANDBOX_TEAM.id,
      bot_id: this.options.botId,
    };
    this.views.set(id, { view: stored, hash, links });
    return structuredClone(stored);
  }

  /** The views currently known, by id (latest version of each). */
  viewsById(): Map<string, Record<string, unknown>> {
    return new Map([...this.views.entries()].map(([id, stored]) => [id, structuredClone(stored.view)]));
  }

  private getUploadUrl(args: z.infer<typeof UploadUrlArgs>): Reply {
    const fileId = slackId('F');
    this.uploads.set(fileId, {
      filename: args.filename,
      length: args.length,
      ...(args.alt_text === undefined ? {} : { altText: args.alt_text }),
    });
    return ok({ upload_url: `${this.options.baseUrl()}/upload/v1/${fileId}`, file_id: fileId });
  }

  private completeUpload(args: z.infer<typeof CompleteUploadArgs>): Reply {
    const channelArg = args.channel_id ?? args.channels;
    const channel = channelArg === undefined ? undefined : this.resolveChannel(channelArg);
    if (channelArg !== undefined && channel === undefined) return fail('channel_not_found');
    if (channel !== undefined && !this.botIn(channel)) return fail('not_in_channel');
    if (args.blocks !== undefined) {
      const errors = validateMessageBlocks(args.blocks);
      if (errors.length > 0) return invalidBlocks(errors);
    }
    const files: { id: string; upload: PendingUpload & { bytes: Buffer }; title: string }[] = [];
    for (const file of args.files) {
      const upload = this.uploads.get(file.id);
      // Slack refuses to complete a file whose bytes never arrived or differ from the announced length.
      if (upload?.bytes === undefined || upload.bytes.length !== upload.length) return fail('file_not_found');
      files.push({ id: file.id, upload: { ...upload, bytes: upload.bytes }, title: file.title ?? upload.filename });
    }
    let threadTs: string | undefined;
    if (channel !== undefined && args.thread_ts !== undefined) {
      const parent = this.findMessage(channel, args.thread_ts);
      if (parent === undefined) return fail('thread_not_found');
      threadTs = parent.thread_ts ?? parent.ts;
    }
    for (const { id, upload, title } of files) {
      this.uploads.delete(id);
      this.uploadedFiles.push({
        id,
        name: upload.filename,
        title,
        bytes: upload.bytes,
        ...(upload.altText === undefined ? {} : { altText: upload.altText }),
        ...(channel === undefined ? {} : { channel }),
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        ...(args.initial_comment === undefined ? {} : { initialComment: args.initial_comment }),
      });
    }
    if (channel !== undefined) {
      this.addMessage(channel, {
        text: args.initial_comment ?? '',
        blocks: Array.isArray(args.blocks) ? args.blocks : undefined,
        threadTs,
        files: files.map(({ id, upload, title }) => ({ id, name: upload.filename, title })),
      });
    }
    return ok({
      files: files.map(({ id, upload, title }) => ({
        id,
        created: Math.floor(Date.now() / 1000),
        name: upload.filename,
        title,
        mimetype: mimeType(upload.filename),
        filetype: upload.filename.split('.').pop() ?? '',
        size: upload.bytes.length,
        user: this.options.botUserId,
        channels: channel === undefined ? [] : [channel],
        url_private: `${this.options.baseUrl()}/files/${id}/${encodeURIComponent(upload.filename)}`,
        permalink: `https://${SANDBOX_TEAM.domain}.slack.com/files/${this.options.botUserId}/${id}`,
      })),
    });
  }

  /** Whether rebut's bot is in the channel (invited). */
  private botIn(channel: string): boolean {
    return this.channels.get(channel)?.botIsMember !== false;
  }

  setUsergroupMembers(usergroup: string, members: string[]): void {
    this.usergroups.set(usergroup, [...members]);
  }

  private usergroupUsers(args: z.infer<typeof UsergroupArgs>): Reply {
    const users = args.usergroup === undefined ? undefined : this.usergroups.get(args.usergroup);
    if (users === undefined) return fail('no_such_subteam');
    return ok({ users: [...users] });
  }

  private conversationInfo(args: z.infer<typeof ChannelArgs>): Reply {
    const id = this.resolveChannel(args.channel);
    const channel = id === undefined ? undefined : this.channels.get(id);
    if (channel === undefined) return fail('channel_not_found');
    return ok({
      channel: {
        id: channel.id,
        name: channel.name,
        is_channel: true,
        is_group: false,
        is_im: false,
        is_private: false,
        is_archived: false,
        is_general: false,
        is_member: this.botIn(channel.id),
        context_team_id: SANDBOX_TEAM.id,
        created: 1_700_000_000,
        creator: SANDBOX_BOT_USER_ID,
      },
    });
  }

  /** Top-level messages newest first, as Slack pages them; `metadata` only with `include_all_metadata`. */
  private history(args: z.infer<typeof HistoryArgs>): Reply {
    const channel = this.resolveChannel(args.channel);
    if (channel === undefined) return fail('channel_not_found');
    if (!this.botIn(channel)) return fail('not_in_channel');
    const inclusive = truthy(args.inclusive) || args.inclusive === '1';
    const oldest = args.oldest === undefined ? -Infinity : Number(args.oldest);
    const latest = args.latest === undefined ? Infinity : Number(args.latest);
    const after = (ts: string) => (inclusive ? Number(ts) >= oldest : Number(ts) > oldest);
    const before = (ts: string) => (inclusive ? Number(ts) <= latest : Number(ts) < latest);
    const matching = (this.messagesByChannel.get(channel) ?? []).filter((m) => after(m.ts) && before(m.ts)).reverse();
    const start = args.cursor === undefined ? 0 : Number(Buffer.from(args.cursor, 'base64url').toString('utf8')) || 0;
    const limit = args.limit ?? 100;
    const page = matching.slice(start, start + limit);
    const withMetadata = truthy(args.include_all_metadata) || args.include_all_metadata === '1';
    const next = start + limit < matching.length ? Buffer.from(String(start + limit)).toString('base64url') : '';
    return ok({
      messages: page.map((m) => {
        const { metadata, ...wire } = this.wireMessage(m);
        return withMetadata && metadata !== undefined ? { ...wire, metadata } : wire;
      }),
      has_more: next !== '',
      pin_count: 0,
      response_metadata: { next_cursor: next },
    });
  }

  private userInfo(args: z.infer<typeof UserArgs>): Reply {
    const user = args.user === undefined ? undefined : this.users.get(args.user);
    if (user === undefined) return fail('user_not_found');
    const realName = user.realName ?? user.name;
    return ok({
      user: {
        id: user.id,
        team_id: SANDBOX_TEAM.id,
        name: user.name,
        real_name: realName,
        deleted: false,
        is_bot: user.isBot ?? false,
        is_admin: false,
        tz: 'Europe/London',
        profile: { real_name: realName, display_name: user.name, email: `${user.name}@example.com` },
      },
    });
  }

  /** Text and blocks checks shared by the chat methods. */
  private checkContent(args: { text?: string; blocks?: unknown; attachments?: unknown }): Reply | undefined {
    if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) return fail('no_text');
    if (args.text !== undefined && args.text.length > BLOCK_KIT_LIMITS.messageText) return fail('msg_too_long');
    if (args.blocks !== undefined) {
      const errors = validateMessageBlocks(args.blocks);
      if (errors.length > 0) return invalidBlocks(errors);
    }
    return undefined;
  }

  /**
   * The total text of the blocks, checked after each block's own limits. Only chat.postMessage and chat.update:
   * the same blocks sent to a response URL are accepted (bolt-js #2867).
   */
  private checkBlocksText(blocks: unknown): Reply | undefined {
    return messageBlocksTextLength(blocks) > MESSAGE_BLOCKS_TEXT_LIMIT ? fail('msg_blocks_too_long') : undefined;
  }

  /** Slack accepts blocks without `text` but warns that notifications will be empty. */
  private fallbackWarning(args: { text?: string; blocks?: unknown }): Record<string, unknown> {
    if (args.blocks === undefined || (args.text !== undefined && args.text !== '')) return {};
    return { warning: 'missing_text_or_fallback_or_attachments', response_metadata: { warnings: ['missing_text'] } };
  }

  private resolveChannel(channel: string | undefined): string | undefined {
    if (channel === undefined) return undefined;
    if (this.channels.has(channel)) return channel;
    const name = channel.replace(/^#/, '');
    return [...this.channels.values()].find((c) => c.name === name)?.id;
  }

  private isMember(channel: string, user: string): boolean {
    const members = this.channels.get(channel)?.members;
    return members === undefined ? this.users.has(user) : members.includes(user);
  }

  private addMessage(
    channel: string,
    content: {
      text: string;
      blocks: unknown[] | undefined;
      threadTs: string | undefined;
      metadata?: unknown;
      files?: SlackMessage['files'];
    },
  ): SlackMessage {
    const message: SlackMessage = {
      type: 'message',
      ts: this.nextTs(),
      channel,
      text: content.text,
      user: this.options.botUserId,
      bot_id: this.options.botId,
      app_id: SANDBOX_APP_ID,
      team: SANDBOX_TEAM.id,
      replies: [],
      ...(content.blocks === undefined ? {} : { blocks: this.withBlockIds(content.blocks) }),
      ...(content.metadata === undefined ? {} : { metadata: content.metadata }),
      ...(content.files === undefined ? {} : { files: content.files }),
    };
    const list = this.messagesByChannel.get(channel) ?? [];
    this.messagesByChannel.set(channel, list);
    const parent = content.threadTs === undefined ? undefined : list.find((m) => m.ts === content.threadTs);
    if (parent === undefined) {
      list.push(message);
    } else {
      message.thread_ts = parent.ts;
      parent.thread_ts = parent.ts;
      parent.replies.push(message);
    }
    return message;
  }

  private findMessage(channel: string, ts: string): SlackMessage | undefined {
    for (const message of this.messagesByChannel.get(channel) ?? []) {
      if (message.ts === ts) return message;
      const reply = message.replies.find((r) => r.ts === ts);
      if (reply !== undefined) return reply;
    }
    return undefined;
  }

  private removeMessage(channel: string, ts: string): boolean {
    const list = this.messagesByChannel.get(channel) ?? [];
    const index = list.findIndex((m) => m.ts === ts);
    if (index >= 0) {
      list.splice(index, 1);
      return true;
    }
    for (const message of list) {
      const replyIndex = message.replies.findIndex((r) => r.ts === ts);
      if (replyIndex >= 0) {
        message.replies.splice(replyIndex, 1);
        return true;
      }
    }
    return false;
  }

  /** The message as the Web API returns it: no sandbox bookkeeping. */
  private wireMessage(message: SlackMessage): Record<string, unknown> {
    const { replies, channel, ...rest } = message;
    return structuredClone({ ...rest, ...(replies.length > 0 ? { reply_count: replies.length } : {}) });
  }

  /** Slack fills in a block_id for every block that has none. */
  private withBlockIds(blocks: unknown[]): unknown[] {
    return blocks.map((block) =>
      typeof block === 'object' && block !== null && !('block_id' in block)
        ? { ...block, block_id: randomBytes(3).toString('base64url') }
        : block,
    );
  }

  /** Unique, increasing message timestamps in Slack's format ("1700000000.000100"): seconds and microseconds. */
  private nextTs(): string {
    const now = BigInt(Date.now()) * 1000n;
    this.lastTsMicros = now > this.lastTsMicros ? now : this.lastTsMicros + 1n;
    const seconds = this.lastTsMicros / 1_000_000n;
    const micros = this.lastTsMicros % 1_000_000n;
    return `${seconds}.${micros.toString().padStart(6, '0')}`;
  }
}

function mimeType(filename: string): string {
  const extension = filename.split('.').pop()?.toLowerCase();
  const types: Record<string, string> = {
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
    pdf: 'application/pdf',
    txt: 'text/plain',
    csv: 'text/csv',
    json: 'application/json',
  };
  return (extension === undefined ? undefined : types[extension]) ?? 'application/octet-stream';
}
