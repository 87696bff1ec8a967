// The Slack stand-in for tests and the demo: a local Web API (see server.ts) and requests signed as Slack signs them.
export { BLOCK_KIT_LIMITS, validateMessageBlocks, validateView } from './block-kit.js';
export { DEFAULT_RATE_LIMITS, type RateLimitRule } from './rate-limit.js';
export {
  type BlockActionOptions,
  blockActionBody,
  SANDBOX_APP_ID,
  SANDBOX_BOT_ID,
  SANDBOX_BOT_USER_ID,
  SANDBOX_TEAM,
  type SlashCommandOptions,
  signSlackRequest,
  slashCommandBody,
  subteamMembersChangedBody,
  type ViewSubmissionOptions,
  viewSubmissionBody,
} from './requests.js';
export {
  type SlackCall,
  type SlackFault,
  type SlackSandbox,
  type SlackSandboxOptions,
  startSlackSandbox,
} from './server.js';
export {
  blockActionEnvelope,
  type EnvelopeType,
  type SendEnvelopeOptions,
  type SocketAck,
  type SocketEnvelope,
  slashCommandEnvelope,
  viewSubmissionEnvelope,
  websocketAccept,
} from './socket-mode.js';
export type {
  EphemeralMessage,
  RecordedResponse,
  ResponseTarget,
  SandboxChannel,
  SandboxUser,
  SlackMessage,
  UploadedFile,
} from './workspace.js';
