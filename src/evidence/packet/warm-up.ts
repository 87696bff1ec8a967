import sharp from 'sharp';
import type { Fact } from '../types.js';
import { buildPacket } from './build.js';

/**
 * Builds one small packet from made-up facts and throws it away. The first packets after a start
 * otherwise pay for parsing the fonts, shaping the common words and compiling the layout code:
 * measured, the first ten disputes of a burst took twice as long to reach Slack as the rest.
 * Resolves with the milliseconds it took; never rejects (a failure here only costs speed).
 */
export async function warmUpPackets(): Promise<number> {
  const started = performance.now();
  try {
    const at = (day: number, minute = 0) => new Date(Date.UTC(2026, 0, day, 9, minute)).toISOString();
    const charge: Fact = {
      id: 'stripe.charge',
      kind: 'charge',
      text: 'The customer paid $49.00 with a Visa card ending 4242.',
      at: at(2),
      source: 'stripe',
      data: { amount: 4900 },
    };
    const activity: Fact[] = Array.from({ length: 30 }, (_, i) => ({
      id: `sql.activity.${i + 1}`,
      kind: 'activity',
      text: `Signed in and generated a design from IP 203.0.113.${i + 1}.`,
      at: at(3, i),
      source: 'sql',
      data: { event: 'design.generated', ip: `203.0.113.${i + 1}` },
    }));
    const image = await sharp({ create: { width: 96, height: 72, channels: 3, background: '#c8b49a' } })
      .png()
      .toBuffer();
    await buildPacket({
      dispute: {
        id: 'du_warm_up',
        reason: 'product_not_received',
        amount: 4900,
        currency: 'usd',
        cardBrand: 'visa',
        created: at(20),
      },
      business: { name: 'rebut warm-up', productDescription: 'Interior designs generated in the web app.' },
      textFields: { product_description: 'Interior designs.', customer_name: 'Warm Up' },
      timeline: [charge, ...activity],
      activity,
      deliverables: [{ title: 'Living room design', at: at(3, 5), image: { bytes: image, contentType: 'image/png' } }],
      receipt: [charge],
      policies: [{ kind: 'refund', title: 'Refund policy', text: 'Refunds within 14 days.', shownAt: 'checkout page' }],
      fileFields: ['service_documentation', 'receipt', 'refund_policy'],
      communications: [],
    });
  } catch {
    // Only the first real packet is slower for it.
  }
  return performance.now() - started;
}
