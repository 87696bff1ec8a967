-- Up Migration

-- A packet's files are PDFs: their text is already deflated and their images JPEG, so PostgreSQL's compression of a
-- stored value (pglz, tried on every value over about 2 kB) ran over each file and kept nothing. Stored as they are
-- (still out of line), a file's insert took 0.30 ms of PostgreSQL's time instead of 1.31 ms; a case stores two to five
-- (docs/architecture.md → "Decisions", **Packet files are stored uncompressed**).
ALTER TABLE evidence_files ALTER COLUMN bytes SET STORAGE EXTERNAL;

-- Down Migration
ALTER TABLE evidence_files ALTER COLUMN bytes SET STORAGE EXTENDED;
