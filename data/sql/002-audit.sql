-- The audit log: append-only, one row per key action (and, later, per app, credential and admin
-- action). Rows name actors and subjects by id; they never hold a secret.
CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY,
  at           INTEGER NOT NULL,
  actor        TEXT    NOT NULL,
  surface      TEXT    NOT NULL,
  action       TEXT    NOT NULL,
  subject_type TEXT,
  subject_id   TEXT,
  detail       TEXT
);

CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);

-- Rows are never changed or removed once written.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE (ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE (ABORT, 'the audit log is append-only');
END;
