// The OpenAI stand-in for tests and the demo: the official SDK talks to it through `baseURL` (see server.ts).
export {
  type BehaveOptions,
  type OpenAiRequest,
  type OpenAiSandbox,
  type OpenAiSandboxMode,
  type OpenAiSandboxOptions,
  startOpenAiSandbox,
} from './server.js';
export { type AnswerStyle, INVENTED, type ReadSheet, readFactSheet, writeAnswer } from './writer.js';
