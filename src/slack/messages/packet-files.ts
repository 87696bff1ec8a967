import type { webApi } from '@slack/bolt';
import { audit } from '../../db/audit.js';
import type { Pool } from '../../db/pool.js';

/** The evidence files of the packet, as staged on Stripe, in the case message's thread; once per case. */
export async function uploadPacket(
  deps: { client: webApi.WebClient; pool: Pool },
  caseId: number,
  channel: string,
  ts: string,
): Promise<void> {
  const { client, pool } = deps;
  const done = await pool.query(`SELECT 1 FROM audit_log WHERE case_id = $1 AND action = 'slack.packet_posted'`, [
    caseId,
  ]);
  if ((done.rowCount ?? 0) > 0) return;
  const { rows } = await pool.query<{ field: string; filename: string; bytes: Buffer; pages: number }>(
    'SELECT field, filename, bytes, pages FROM evidence_files WHERE case_id = $1 ORDER BY id',
    [caseId],
  );
  if (rows.length === 0) return;
  await client.files.uploadV2({
    channel_id: channel,
    thread_ts: ts,
    initial_comment: `The evidence packet as staged on Stripe (${rows.length === 1 ? 'one file' : `${rows.length} files`}).`,
    file_uploads: rows.map((row) => ({
      file: row.bytes,
      filename: row.filename,
      title: `${row.field.replaceAll('_', ' ')}: ${row.filename} (${row.pages} ${row.pages === 1 ? 'page' : 'pages'})`,
    })),
  });
  await audit(pool, {
    actor: 'rebut',
    action: 'slack.packet_posted',
    caseId,
    detail: { files: rows.map((r) => r.filename) },
  });
}
