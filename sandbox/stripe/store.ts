import type Stripe from 'stripe';
import { Collection } from './collection.js';
import { accountObject } from './objects.js';

export interface FileContent {
  pages: number;
  data: Buffer;
}

/**
 * Everything one Stripe account holds in one mode. The platform is `account: undefined`;
 * connected accounts (`Stripe-Account: acct_…`) and live vs. test data never see each other.
 */
export class Partition {
  readonly disputes = new Collection<Stripe.Dispute>('dispute');
  readonly charges = new Collection<Stripe.Charge>('charge');
  readonly customers = new Collection<Stripe.Customer>('customer');
  readonly paymentIntents = new Collection<Stripe.PaymentIntent>('payment_intent');
  readonly refunds = new Collection<Stripe.Refund>('refund');
  readonly subscriptions = new Collection<Stripe.Subscription>('subscription');
  readonly invoices = new Collection<Stripe.Invoice>('invoice');
  readonly invoicePayments = new Collection<Stripe.InvoicePayment>('invoice_payment');
  readonly events = new Collection<Stripe.Event>('event');
  readonly files = new Collection<Stripe.File>('file');
  readonly balanceTransactions = new Collection<Stripe.BalanceTransaction>('balance_transaction');
  readonly paymentMethods = new Collection<Stripe.PaymentMethod>('payment_method');
  readonly earlyFraudWarnings = new Collection<Stripe.Radar.EarlyFraudWarning>('radar.early_fraud_warning');
  readonly fileContents = new Map<string, FileContent>();
  /** Whether each event's webhook delivery succeeded (for `events.list({ delivery_success })`). */
  readonly deliverySuccess = new Map<string, boolean>();

  constructor(
    readonly account: string | undefined,
    readonly livemode: boolean,
  ) {}

  /** Finds any stored object by its id prefix, for `expand`. */
  find(id: string): { object: string } | undefined {
    const prefix = id.slice(0, id.indexOf('_'));
    switch (prefix) {
      case 'du':
      case 'dp':
        return this.disputes.get(id);
      case 'ch':
      case 'py':
        return this.charges.get(id);
      case 'cus':
        return this.customers.get(id);
      case 'pi':
        return this.paymentIntents.get(id);
      case 're':
        return this.refunds.get(id);
      case 'sub':
        return this.subscriptions.get(id);
      case 'in':
        return this.invoices.get(id);
      case 'inpay':
        return this.invoicePayments.get(id);
      case 'evt':
        return this.events.get(id);
      case 'file':
        return this.files.get(id);
      case 'txn':
        return this.balanceTransactions.get(id);
      case 'pm':
      case 'card':
        return this.paymentMethods.get(id);
      case 'issfr':
        return this.earlyFraudWarnings.get(id);
      default:
        return undefined;
    }
  }
}

/** An account as the sandbox lists it: Stripe types `created` as optional; here it is always set. */
export type ListedAccount = Stripe.Account & { created: number };

export class Store {
  private readonly partitions = new Map<string, Partition>();
  /** Connected accounts the sandbox knows; others get Stripe's 403. Add them with `addAccount`. */
  readonly accounts = new Set<string>();
  /** The same accounts as `GET /v1/accounts` lists them, newest first. */
  readonly accountObjects = new Collection<ListedAccount>('account');
  /**
   * The platform key of an account connected to one platform only (as each product's Stripe account has its own
   * connected accounts); other keys neither list it nor may name it. Accounts not here belong to every key.
   */
  readonly accountPlatforms = new Map<string, string>();
  /** Whether `key`'s platform may see the connected account `id`. */
  connectedTo(id: string, key: string): boolean {
    const platform = this.accountPlatforms.get(id);
    return this.accounts.has(id) && (platform === undefined || platform === key);
  }

  /** Disputes Stripe's Smart Disputes can answer (not shown on the dispute, as on Stripe). */
  readonly smartDisputesEligible = new Set<string>();

  /** Which partition each dispute lives in, so test helpers can address a dispute by id alone. */
  readonly disputeHome = new Map<string, Partition>();

  partition(account: string | undefined, livemode: boolean): Partition {
    if (account) this.addAccount(account);
    const key = `${account ?? 'platform'}:${livemode ? 'live' : 'test'}`;
    let partition = this.partitions.get(key);
    if (!partition) {
      partition = new Partition(account, livemode);
      this.partitions.set(key, partition);
    }
    return partition;
  }

  /**
   * Connects an account to the platform (once): it may be named in `Stripe-Account` and is listed. With
   * `platformKey`, to that key's platform only.
   */
  addAccount(id: string, platformKey?: string): void {
    if (platformKey !== undefined) this.accountPlatforms.set(id, platformKey);
    if (this.accounts.has(id)) return;
    this.accounts.add(id);
    this.accountObjects.insert(accountObject({ id, created: Math.floor(Date.now() / 1000) }));
  }

  all(): Partition[] {
    return [...this.partitions.values()];
  }
}
