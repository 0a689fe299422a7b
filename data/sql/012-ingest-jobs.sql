-- Ingestion jobs that have ended, so that GET /api/v1/document/jobs/{id} still answers after
-- the runtime restarted (running and queued jobs live in memory). Written in batches by the
-- ingestion worker; the most recent 10,000 are kept.
CREATE TABLE ingest_jobs (
  id         TEXT    PRIMARY KEY NOT NULL,
  status     TEXT    NOT NULL CHECK (status IN ('done', 'failed')),
  error      TEXT,
  documents  TEXT    NOT NULL DEFAULT '[]',
  ended_at   INTEGER NOT NULL
);

CREATE INDEX ingest_jobs_ended ON ingest_jobs (ended_at);
