import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

export const TEMPLATE_DATABASE = 'rebut_template';

/**
 * One real PostgreSQL per test run: TEST_DATABASE_URL when given (a server you run),
 * otherwise an embedded one in a temporary folder. A migrated template database is made
 * once; every test file clones it (test/support/db.ts).
 */
export default async function setup(project: TestProject) {
  const given = process.env.TEST_DATABASE_URL;
  const server = given
    ? { url: given, stop: async () => {} }
    : await startEmbeddedPostgres(await mkdtemp(join(tmpdir(), 'rebut-test-pg-')), { persistent: false });

  const admin = createPool(server.url, { max: 1 });
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  const templateUrl = new URL(server.url);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  const template = createPool(templateUrl.toString(), { max: 1 });
  await migrate(template);
  await template.end();
  await admin.end();

  project.provide('adminDatabaseUrl', server.url);
  return async () => {
    await server.stop();
  };
}
