// What every listener may use: the domain's dependencies and the approver check. Listeners call the domain
// (src/cases); nothing there knows about Slack.
import type Stripe from 'stripe';
import type { UnwinnableAction } from '../../cases/act-alone.js';
import type { DraftContextBusiness } from '../../cases/context.js';
import type { Pool } from '../../db/pool.js';
import type { ByProduct } from '../../dispute/products.js';
import type { Logger } from '../../log.js';
import type { ProductClients } from '../../products/clients.js';
import type { ProductName } from '../../stats/index.js';
import type { Approvers } from '../authorize.js';

export interface ListenerDeps {
  pool: Pool;
  stripe: Stripe;
  /** Each product's Stripe client: a click answers a dispute with its own product's key. */
  products?: ProductClients;
  log: Logger;
  approvers: Approvers;
  /** Where cases are posted; ephemeral notes go there when no message is at hand. */
  channel: string | undefined;
  /** With a products file, its products' ids and display names (for `/disputes stats`). */
  productNames?: readonly ProductName[];
  /** With several products, each product's channel: a case's buttons work only there. */
  productChannels?: ReadonlyMap<string, string>;
  /** The business as the grounding check of an edited rebuttal knows it (from the evidence config). */
  business: DraftContextBusiness;
  clock?: () => Date;
  /** UNWINNABLE_ACTION, for what a case message says happens when nobody decides. */
  unwinnable: ByProduct<UnwinnableAction>;
}
