import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleCustomerFor, seedBusiness } from '../sandbox/business/index.js';
import { startStripeSandbox } from '../sandbox/stripe/index.js';
import { deliverableFetcher, MAX_FETCHED_IMAGES } from '../src/cases/deliverables.js';
import { createPool } from '../src/db/pool.js';
import { loadEvidenceConfig } from '../src/evidence/config.js';
import { configuredSources, gatherEvidence } from '../src/evidence/gather.js';
import { buildPacket } from '../src/evidence/packet/index.js';
import { applyPlaybook } from '../src/evidence/playbook/index.js';
import { benchDatabase, percentile, report } from './support.js';

const IMAGES = 50;
const RUNS = Number(process.env.BENCH_EVIDENCE_RUNS ?? 12);

/**
 * Evidence assembly for one dispute whose customer generated 50 designs (real 1024×768 PNGs):
 * the Stripe and SQL sources, fetching the images from disk, the playbook, and the packet
 * (PDFs within Stripe's byte and page limits). Stripe is the local stand-in.
 */
export async function benchEvidence(): Promise<void> {
  const database = await benchDatabase();
  const work = await mkdtemp(join(tmpdir(), 'rebut-bench-evidence-'));
  const stripe = await startStripeSandbox();
  const example = await readFile('rebut.evidence.example.yml', 'utf8');
  const path = join(work, 'rebut.evidence.yml');
  // The example keeps the 12 newest designs; the benchmark asks for all 50.
  await writeFile(
    path,
    example.replace('./.rebut/roomcraft/images', join(work, 'images')).replace('LIMIT 12', 'LIMIT 50'),
  );
  const config = loadEvidenceConfig(path);
  const scenario = stripe.createDispute({ reason: 'fraudulent', brand: 'visa', silent: true });
  const pool = createPool(database.url, { max: 4 });
  await seedBusiness(pool, {
    customers: [sampleCustomerFor(scenario, { designs: IMAGES, logins: 40 })],
    imagesDir: join(work, 'images'),
  });
  const client = stripe.stripe();
  const dispute = await client.disputes.retrieve(scenario.dispute.id, { expand: ['charge', 'payment_intent'] });
  const fetchDeliverables = deliverableFetcher(config);

  const times: number[] = [];
  let last: Awaited<ReturnType<typeof buildPacket>> | undefined;
  let images = 0;
  for (let run = 0; run < RUNS + 2; run++) {
    const started = performance.now();
    const gathered = await gatherEvidence(
      { dispute, stripe: client, config, appDatabaseUrl: database.url },
      configuredSources(config),
    );
    const playbook = applyPlaybook(dispute.reason, gathered.facts, config);
    const fetched = await fetchDeliverables(gathered.artefacts.filter((artefact) => artefact.kind === 'image'));
    images = fetched.deliverables.filter((deliverable) => deliverable.image).length;
    last = await buildPacket({
      dispute: {
        id: dispute.id,
        reason: dispute.reason,
        amount: dispute.amount,
        currency: dispute.currency,
        cardBrand: 'visa',
        created: new Date(dispute.created * 1000).toISOString(),
      },
      business: { name: config.business.name, productDescription: config.business.product_description },
      textFields: playbook.textFields,
      timeline: gathered.facts,
      activity: gathered.facts.filter((fact) => fact.kind === 'activity'),
      deliverables: fetched.deliverables,
      receipt: gathered.facts.filter((fact) => fact.kind === 'charge'),
      policies: [],
      fileFields: playbook.fileFields.map((plan) => plan.field),
      communications: gathered.facts.filter((fact) => fact.kind === 'communication'),
    });
    if (run >= 2) times.push(performance.now() - started); // the first two warm caches and the JIT
  }
  times.sort((a, b) => a - b);
  const context = { images, runs: RUNS, command: 'npm run bench -- evidence' };
  // At most MAX_FETCHED_IMAGES are fetched, whatever a customer has (more than a packet shows).
  const expected = Math.min(IMAGES, MAX_FETCHED_IMAGES);
  if (images !== expected) throw new Error(`expected ${expected} images, fetched ${images}`);
  report('evidence_assembly', 'p50', percentile(times, 50), 'ms', context);
  report('evidence_assembly', 'p95', percentile(times, 95), 'ms', context);
  report('evidence_assembly', 'packet_bytes', last?.totals.fileBytes ?? 0, 'bytes', context);
  report('evidence_assembly', 'packet_pages', last?.totals.pages ?? 0, 'pages', {
    ...context,
    dropped: last?.dropped.length,
  });
  await pool.end();
  await stripe.close();
  await database.stop();
  await rm(work, { recursive: true, force: true });
}
