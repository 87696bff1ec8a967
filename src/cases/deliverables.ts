import type { EvidenceConfig } from '../evidence/config.js';
import { fetchImages, type ImageFetchPolicy } from '../evidence/images.js';
import type { PacketDeliverable } from '../evidence/packet/index.js';
import type { Artefact } from '../evidence/types.js';

/** How many images are fetched at once for one case. */
export const IMAGE_FETCH_CONCURRENCY = 6;

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
    const toFetch = artefacts.filter((artefact) => !artefact.bytes && (artefact.url || artefact.path));
    const fetched = await fetchImages(
      toFetch.map((artefact) => ({ url: artefact.url, path: artefact.path, artefact })),
      policy,
      IMAGE_FETCH_CONCURRENCY,
    );
    const deliverables: PacketDeliverable[] = [];
    const notes: string[] = [];
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
