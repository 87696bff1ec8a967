/** Snapwise, the second sample business (an AI headshot app): its database, its orders and its headshot images. */
export {
  HEADSHOT_ATTIRE,
  HEADSHOT_BACKDROPS,
  HEADSHOT_HEIGHT,
  HEADSHOT_WIDTH,
  headshotLookFor,
  headshotSvg,
  renderHeadshot,
} from './images.js';
export { createSnapwiseSchema, SNAPWISE_SCHEMA, SNAPWISE_SCHEMA_SQL } from './schema.js';
export {
  type SeededHeadshot,
  type SeededSnapwiseCustomer,
  type SeedSnapwiseOptions,
  SNAPWISE_PACK,
  SNAPWISE_POLICY_VERSION,
  type SnapwiseCustomer,
  seedSnapwise,
} from './seed.js';
