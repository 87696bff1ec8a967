/** `1 page`, `2 pages`, `1,024 images`: a count and its noun, grouped the en-US way. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
