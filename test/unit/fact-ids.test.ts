// One vocabulary of fact ids: what the sources emit is what the playbooks read and what the sample case uses. An id
// outside FACT_IDS is a fact nothing reads, or a read that never finds its fact (a sample that fills no field).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FACT_IDS, kindOfFactId } from '../../src/dispute/facts.js';
import { injectionFact, sampleFacts } from '../../src/drafting/sample-case.js';
import { parseEvidenceConfig } from '../../src/evidence/config.js';
import { applyPlaybook } from '../../src/evidence/playbook/index.js';

const ROOT = join(import.meta.dirname, '../..');

/** A fact id as code writes it, in quotes or a template literal; each `${…}` part becomes `{}`. */
const FACT_ID = '([\'"`])((?:stripe|config|sql|http|\\$\\{source\\})\\.(?:[^\'"`\\\\\\n$]|\\$\\{[^}]*\\})*)\\1';
/** Read: any fact id the code names. Emitted: the ids a source gives its facts (`id: …`), not its settings' names. */
const READ = new RegExp(FACT_ID, 'g');
const EMITTED = new RegExp(`\\bid: ${FACT_ID}`, 'g');
const shape = (id: string) => id.replace(/\$\{[^}]*\}|\{\w+\}/g, '{}');

async function factIdsIn(
  dir: string,
  pattern: RegExp,
  only?: (name: string) => boolean,
): Promise<{ file: string; id: string }[]> {
  const files = (await readdir(join(ROOT, dir))).filter((name) => name.endsWith('.ts') && (only?.(name) ?? true));
  const found: { file: string; id: string }[] = [];
  for (const name of files) {
    const text = await readFile(join(ROOT, dir, name), 'utf8');
    for (const match of text.matchAll(pattern)) found.push({ file: `${dir}/${name}`, id: match[2] ?? '' });
  }
  return found;
}

/** Whether code's id is in the vocabulary: a fixed id by its kind, one with a `${…}` part by its shape. */
const SHAPES = new Set(Object.keys(FACT_IDS).map(shape));
const inVocabulary = (id: string) => (id.includes('${') ? SHAPES.has(shape(id)) : kindOfFactId(id) !== null);

describe('the fact ids', () => {
  it('of the sample case are the ids sources emit, each with the kind its source gives it', () => {
    for (const fact of [...sampleFacts(), injectionFact()]) expect(kindOfFactId(fact.id), fact.id).toBe(fact.kind);
  });

  it('of the sample case are the ones the playbooks read: its fraud dispute fills the name, email and purchase IP', () => {
    const config = parseEvidenceConfig(`business:
  name: Pixel Forge
  product_description: AI design generator.
  support_email: support@pixelforge.example
  website: https://pixelforge.example
`);
    const { textFields, fieldFacts } = applyPlaybook('fraudulent', sampleFacts(), config);
    expect(textFields).toMatchObject({
      customer_name: 'Jane Doe',
      customer_email_address: 'jane.doe@example.com',
      customer_purchase_ip: '203.0.113.7',
    });
    expect(fieldFacts.customer_purchase_ip).toEqual(['stripe.charge.purchase_ip']);
  });

  it('that the playbooks (and triage and CE 3.0 beside them) read are all in the vocabulary', async () => {
    const read = [
      ...(await factIdsIn('src/evidence/playbook', READ)),
      ...(await factIdsIn('src/evidence', READ, (name) => name === 'ce3.ts')),
      ...(await factIdsIn('src/triage', READ)),
    ];
    expect(read.length).toBeGreaterThan(10);
    expect(read.filter(({ id }) => !inVocabulary(id))).toEqual([]);
  });

  it('that the sources emit are exactly the vocabulary: none outside it, and none of it that no source emits', async () => {
    const emitted = await factIdsIn('src/evidence/sources', EMITTED);
    expect(emitted.filter(({ id }) => !inVocabulary(id))).toEqual([]);
    const shapes = new Set(emitted.map(({ id }) => shape(id)));
    expect(Object.keys(FACT_IDS).filter((pattern) => !shapes.has(shape(pattern)))).toEqual([]);
  });

  it('are told apart by their families: a fixed id wins, a record id fills its family, anything else is unknown', () => {
    expect(kindOfFactId('stripe.prior.summary')).toBe('prior_payment');
    expect(kindOfFactId('stripe.refund.re_3Q9')).toBe('refund');
    expect(kindOfFactId('http.activity.12')).toBe('activity');
    expect(kindOfFactId('config.policy.terms')).toBe('policy');
    expect(kindOfFactId('sql.activity.latest')).toBeNull();
    expect(kindOfFactId('config.policy.privacy')).toBeNull();
    expect(kindOfFactId('stripe.charge.checks')).toBeNull();
  });
});
