/**
 * Page 1 of the service documentation: what an issuer's analyst takes in first, in about 90 seconds. The dispute in
 * one line, the business's answer in one sentence, the strongest points for the reason, each with the page of this
 * file or the other file that proves it, and what was delivered, with one image of it; every word in the packet's
 * language (`say.cover`, i18n/packet.ts), the facts' values as the language writes them. docs/architecture.md →
 * "Decisions" (the cover page).
 */
import { type PacketMessages, reasonIn } from '../../i18n/packet.js';
import { largestFitting } from './budget.js';
import { type BusinessSummary, type DisputeSummary, pdfText } from './documents.js';
import { formatCardBrand, formatMoney } from './format.js';
import { Composer, type Measurer, STYLES } from './pdf.js';

export interface CoverPoint {
  text: string;
  /** `p. 3`, `pp. 5–6`, `Receipt file`; null when the proof did not fit the packet. */
  where: string | null;
}

export interface CoverContent {
  dispute: DisputeSummary;
  cardLast4: string | null;
  business: BusinessSummary;
  answer: string;
  /** Only Stripe's records: the points are headed as theirs. */
  stripeOnly: boolean;
  points: readonly CoverPoint[];
  /** What was delivered: how many; null when nothing was. */
  delivered: { count: number } | null;
  /** The first image shown further on, drawn small beside what was delivered, with its deliverable. */
  thumbnail: { key: string; title: string; at: string | null } | null;
  /** "In this packet" lines. */
  contents: readonly string[];
  /** What was left out, in plain sentences. */
  notShown: readonly string[];
}

/** The longest product description the cover shows, in lines: the rest is the business's website's job. */
const DESCRIPTION_LINES = 4;
/** The thumbnail's box, in points: large enough to recognise the work, small enough to leave the page to the points. */
const THUMBNAIL = { width: 150, height: 112 };
/** The cover shows at least this many points when it has them, before any "not shown" note. */
const MIN_POINTS = 3;

/**
 * Always exactly one page: the points come first (at least three), then the omissions, then the rest of the points;
 * an omission list too long for the page ends with a count of the rest.
 */
export function composeCover(measure: Measurer, content: CoverContent, say: PacketMessages): Composer {
  const words = say.cover;
  const build = (points: number, notes: number): Composer => {
    const c = new Composer(measure);
    const { dispute, business } = content;
    c.paragraph(words.title(pdfText(dispute.id, 80, true)), { style: STYLES.title, maxLines: 2 });
    const contact = [business.website, business.supportEmail]
      .map((value) => pdfText(value, 120, true))
      .filter((value) => value !== '');
    c.paragraph(words.submittedBy(pdfText(business.name, 200, true), contact), { maxLines: 3 });

    c.heading(words.dispute);
    const card = words.card(
      pdfText(formatCardBrand(dispute.cardBrand, say), 60, true),
      content.cardLast4 ? pdfText(content.cardLast4, 4, true) : null,
    );
    c.paragraph(
      words.disputeLine(
        reasonIn(say, pdfText(dispute.reason, 60, true)),
        formatMoney(dispute.amount, pdfText(dispute.currency, 10, true), say),
        card,
        words.day(dispute.created),
      ),
      { maxLines: 2 },
    );

    c.heading(words.answer);
    c.paragraph(pdfText(content.answer, 300, true), { style: STYLES.strong, maxLines: 3 });

    if (points > 0) {
      c.heading(content.stripeOnly ? words.stripePoints : words.points);
      for (const point of content.points.slice(0, points)) {
        const text = pdfText(point.text, 300, true);
        c.paragraph(`•  ${point.where ? words.located(text, point.where) : `${text}.`}`, { maxLines: 3 });
      }
    }

    const description = pdfText(business.productDescription, 800);
    if (content.delivered || description) {
      c.heading(content.delivered ? words.delivered : words.sold);
      const paragraphs = [
        ...(content.delivered
          ? [{ text: pdfText(words.deliveredLine(content.delivered.count, content.thumbnail), 400, true) }]
          : []),
        ...(description ? [{ text: description }] : []),
      ];
      if (content.thumbnail) {
        c.figure(content.thumbnail.key, THUMBNAIL.width, THUMBNAIL.height, paragraphs);
      } else {
        for (const paragraph of paragraphs) c.paragraph(paragraph.text, { maxLines: DESCRIPTION_LINES });
      }
    }

    if (content.contents.length > 0) {
      c.heading(words.contents);
      for (const line of content.contents) c.paragraph(`•  ${line}`, { maxLines: 3 });
    }
    if (notes > 0) {
      c.heading(words.notShown);
      const shown = content.notShown.slice(0, notes);
      const rest = content.notShown.length - shown.length;
      for (const line of shown) c.paragraph(`•  ${line}`, { maxLines: 3 });
      if (rest > 0) c.paragraph(`•  ${words.moreOmissions(rest)}`);
    }
    return c;
  };
  const fits = (c: Composer) => c.pageCount <= 1;
  const first = largestFitting(0, Math.min(MIN_POINTS, content.points.length), (n) => fits(build(n, 0)));
  const notes = largestFitting(0, content.notShown.length, (n) => fits(build(first, n)));
  const points = largestFitting(first, content.points.length, (n) => fits(build(n, notes)));
  return build(points, notes);
}
