/**
 * Why the database cannot be used, said without secrets: `/readyz` is unauthenticated, and a failed start is
 * printed to a terminal or a log.
 */

/**
 * What is wrong with the database, in words that name no user, database or host: `/readyz` is unauthenticated, and
 * PostgreSQL's own messages carry those names ("password authentication failed for user …").
 */
export function whyUnreachable(error: unknown): string {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
  switch (code) {
    case '28P01':
    case '28000':
      return 'PostgreSQL refused the credentials';
    case '3D000':
      return 'the database does not exist';
    case '57P03':
      return 'PostgreSQL is starting up or shutting down';
    case 'ECONNREFUSED':
      return 'nothing answers at the host and port';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
  }
  if (error instanceof Error && /within 2 s/.test(error.message)) return 'no answer within 2 s';
  if (error instanceof Error && /Connection terminated|timeout exceeded/i.test(error.message)) {
    return 'the connection was lost or timed out';
  }
  return code ? `error ${code}` : 'the connection failed';
}

/**
 * A connection that failed, as an error that names the setting to fix. PostgreSQL's own message is left out: it
 * names users, databases and hosts.
 */
export function databaseUnreachable(error: unknown): Error {
  return new Error(
    `cannot connect to the database: ${whyUnreachable(error)}. Check DATABASE_URL (for example ` +
      'postgres://user:password@host:5432/rebut), or leave it unset to use the embedded PostgreSQL.',
    { cause: error },
  );
}
