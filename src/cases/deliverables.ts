import type { EvidenceConfig } from '../evidence/config.js';
import { fetchImages, type ImageBatchItem, type ImageFetchPolicy, type ImageRef } from '../evidence/images.js';
import { spreadSelection } from '../evidence/packet/budget.js';
import type { PacketDeliverable } from '../evidence/packet/index.js';
import type { Artefact } from '../evidence/types.js';

/** How many images are fetched at once for one case. */
export const IMAGE_FETCH_CONCURRENCY = 6;

/**
 * The most images fetched for one case: more than any packet shows (its 4.5 MB and 19 or 49 pages hold far fewer),
 * chosen before fetching as the packet chooses, the first, the last and an even spread between, so a customer with
 * hundreds of designs costs a few dozen downloads, not hundreds.
 */
export const MAX_FETCHED_IMAGES = 48;

/** The most image bytes held for one case at once; past it, the rest are left unfetched (and the packet says so). */
export const FETCHED_BYTES_BUDGET = 64 * 1024 * 1024;

/** Fetches the deliverables' images under the evidence config's host and size rules; a failure is a note, never an error. */
export function deliverableFetcher(config: EvidenceConfig, extra: Partial<ImageFetchPolicy> = {}) {
  const policy: ImageFetchPolicy = {
    allowedHosts: config.images.allowed_hosts,
    localRoot: config.images.local_root,
    maxBytes: config.images.max_bytes,
    timeoutMs: config.images.timeout,
    ...extra,
  };
  return async (artefacts: Artefact[]): Promise<{ deliverables: PacketDeliverable[]; notes: string[] }> => {
    const withBytes = artefacts.filter((artefact) => artefact.bytes);
    const fetchable = [...artefacts]
      .filter((artefact) => !artefact.bytes && (artefact.url || artefact.path))
      .sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
    const chosen = new Set(spreadSelection(fetchable.length, MAX_FETCHED_IMAGES).map((index) => fetchable[index]));
    const toFetch = fetchable.filter((artefact) => chosen.has(artefact));
    const deliverables: PacketDeliverable[] = [];
    const notes: string[] = [];
    // Fetched a few at a time until the byte budget is spent; what is left is listed, not fetched.
    const fetched: ImageBatchItem<ImageRef & { artefact: Artefact }>[] = [];
    let held = 0;
    for (let start = 0; start < toFetch.length && held < FETCHED_BYTES_BUDGET; start += IMAGE_FETCH_CONCURRENCY) {
      const batch = toFetch.slice(start, start + IMAGE_FETCH_CONCURRENCY);
      const answers = await fetchImages(
        batch.map((artefact) => ({ url: artefact.url, path: artefact.path, artefact })),
        policy,
        IMAGE_FETCH_CONCURRENCY,
      );
      for (const answer of answers) held += answer.result.ok ? answer.result.bytes.byteLength : 0;
      fetched.push(...answers);
    }
    const fetchedArtefacts = new Set(fetched.map((item) => item.ref.artefact));
    for (const artefact of fetchable) {
      if (!fetchedArtefacts.has(artefact)) {
        deliverables.push({ title: artefact.title, at: artefact.at, imageLeftUnfetched: true });
      }
    }
    for (const artefact of withBytes) {
      if (artefact.bytes) {
        deliverables.push({
          title: artefact.title,
          at: artefact.at,
          image: { bytes: artefact.bytes, contentType: artefact.contentType ?? 'image/png' },
        });
      }
    }
    for (const item of fetched) {
      const { artefact } = item.ref;
      if (item.result.ok) {
        deliverables.push({
          title: artefact.title,
          at: artefact.at,
          image: { bytes: item.result.bytes, contentType: item.result.contentType },
        });
      } else {
        deliverables.push({ title: artefact.title, at: artefact.at });
        if (item.note) notes.push(item.note);
      }
    }
    deliverables.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
    return { deliverables, notes };
  };
}
