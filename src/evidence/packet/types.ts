import type { EvidenceFileField, EvidenceText, EvidenceTextField } from '../../dispute/evidence-fields.js';
import type { Language } from '../../dispute/language.js';
import type { FileContentType } from '../../dispute/limits.js';
import type { EvidenceItem } from '../playbook/plans.js';
import type { Fact } from '../types.js';
import type { Dropped } from './fields.js';
import type { ComposedPage } from './pdf.js';

// What the packet builder takes in and gives back.

export interface PacketDispute {
  id: string;
  reason: string;
  /** Minor units of `currency`. */
  amount: number;
  currency: string;
  /** `payment_method_details.card.brand`; null when not a card (the 19-page limit then applies). */
  cardBrand: string | null;
  /** ISO 8601. */
  created: string;
}

export interface PacketBusiness {
  name: string;
  productDescription: string;
  supportEmail?: string;
  website?: string;
}

export interface PacketDeliverable {
  title: string;
  at: string | null;
  /** Already fetched (see `fetchImages`); PNG or JPEG bytes. */
  image?: { bytes: Uint8Array; contentType: string };
  /** It has an image that was not fetched: more than a packet can show were on record (cases/deliverables.ts). */
  imageLeftUnfetched?: boolean;
}

export type PolicyKind = 'refund' | 'cancellation' | 'terms';

export interface PacketPolicy {
  kind: PolicyKind;
  title: string;
  text: string;
  /** Where and/or when the customer saw it ("checkout page, above the Pay button", or an ISO time). */
  shownAt?: string;
}

export interface PacketInput {
  dispute: PacketDispute;
  business: PacketBusiness;
  /** What the playbook chose to say, per Stripe text field. */
  textFields: Partial<Record<EvidenceTextField, string>>;
  /** Every fact, chronological. */
  timeline: Fact[];
  /** The `activity` facts, for the activity log table (left out of the timeline table). */
  activity: Fact[];
  deliverables: PacketDeliverable[];
  receipt: Fact[] | null;
  /** Refunds made before the dispute, as their own refund receipt on `field`, when the playbook says they answer the claim. */
  refundReceipt?: { field: EvidenceFileField; refunds: Fact[] } | null;
  policies: PacketPolicy[];
  /** The file fields the playbook wants filled; nothing goes on another field. */
  fileFields: readonly EvidenceFileField[];
  communications: Fact[];
  /**
   * The reason's evidence items, strongest first: the playbook checklist's order, which is measured effectiveness once
   * the product has the history. The cover's points follow it; without it, the playbook's own weights.
   */
  evidenceOrder?: readonly EvidenceItem[];
  /** The language the files' own words are in (the rebuttal's; docs/architecture.md → "The reader's language"). */
  language?: Language;
}

/** One of the cover's points and where it is proved: pages of the service documentation, or another file. */
export interface CoverEntry {
  item: EvidenceItem;
  text: string;
  /** The facts the point rests on (ids). */
  cites: string[];
  /** The title of the file holding its proof in the packet's language (`Service documentation`, `Reçu`), null when none does. */
  file: string | null;
  /** The pages of that file, when it is the service documentation. */
  pages: [number, number] | null;
}

/** What page 1 of the service documentation says, for the rebuttal to open the same way. */
export interface PacketCover {
  answer: string;
  points: CoverEntry[];
}

export interface PacketFile {
  field: EvidenceFileField;
  filename: string;
  contentType: FileContentType;
  bytes: Uint8Array;
  pages: number;
}

export interface Packet {
  textFields: EvidenceText;
  files: PacketFile[];
  dropped: Dropped[];
  /** The cover page's answer and points with where each is proved; null when there is no service documentation. */
  cover: PacketCover | null;
  totals: { textChars: number; fileBytes: number; pages: number };
  limits: { maxFileBytes: number; maxTotalFileBytes: number; maxPages: number; maxTextChars: number };
}

/** One PDF as laid out, before rendering. */
export interface PlannedDocument {
  field: EvidenceFileField;
  slug: string;
  title: string;
  pages: ComposedPage[];
}
