/** Roomcraft, the sample business: its database, its history and its design images (demo and tests). */
export { DESIGN_IMAGE_HEIGHT, DESIGN_IMAGE_WIDTH, renderRoomDesign, roomDesignSvg } from './images.js';
export { type StripeScenario, sampleCustomerFor } from './scenario.js';
export { BUSINESS_SCHEMA, BUSINESS_SCHEMA_SQL, createBusinessSchema } from './schema.js';
export {
  POLICY_VERSION,
  type SampleCustomer,
  type SeedBusinessOptions,
  type SeededBusiness,
  type SeededCustomer,
  type SeededDesign,
  seedBusiness,
} from './seed.js';
