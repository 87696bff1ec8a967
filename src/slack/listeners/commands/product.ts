// Which product a /disputes command is about: a product id named in it, else the product whose channel it was typed
// in, else the only product. With several products and neither, the answer lists them rather than guessing.
import { DEFAULT_PRODUCT } from '../../../dispute/products.js';
import type { ListenerDeps } from '../deps.js';

/** The command's product and its words without the product's id; or why there is none. */
export type CommandProduct = { product: string; text: string } | { refused: string };

/** Takes a product id out of the command's words (ids are lower-case slugs), and resolves the command's product. */
export function commandProduct(
  deps: Pick<ListenerDeps, 'productChannels'>,
  text: string,
  channelId: string,
): CommandProduct {
  const channels = deps.productChannels;
  if (!channels) return { product: DEFAULT_PRODUCT, text };
  const ids = [...channels.keys()];
  const words = text.trim().split(/\s+/).filter(Boolean);
  const named = words.filter((word) => ids.includes(word.toLowerCase()));
  const rest = words.filter((word) => !ids.includes(word.toLowerCase())).join(' ');
  if (named.length > 1) return { refused: `Name one product, not ${named.join(' and ')}.` };
  if (named[0]) return { product: named[0].toLowerCase(), text: rest };
  const here = [...channels].find(([, channel]) => channel === channelId)?.[0];
  if (here) return { product: here, text: rest };
  if (ids.length === 1 && ids[0]) return { product: ids[0], text: rest };
  return {
    refused: `Which product? Name one (${ids.map((id) => `\`${id}\``).join(', ')}), or type the command in its channel.`,
  };
}
