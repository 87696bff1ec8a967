// The evidence packet's public face: buildPacket and the types it takes and returns.
export { buildPacket } from './build.js';
export type { Dropped } from './fields.js';
export type {
  CoverEntry,
  Packet,
  PacketBusiness,
  PacketCover,
  PacketDeliverable,
  PacketDispute,
  PacketFile,
  PacketInput,
  PacketPolicy,
  PolicyKind,
} from './types.js';
