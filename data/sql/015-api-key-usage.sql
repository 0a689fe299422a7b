-- When a key was last used moves on every minute of use; whether a key is accepted does not.
-- Keeping the two apart lets a commit to api_keys mean "a credential changed" (it moves the
-- credential generation that verified keys are cached under), and a key's use never does.
CREATE TABLE api_key_usage (
  key_id            INTEGER PRIMARY KEY NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  last_used_at      INTEGER NOT NULL,
  last_used_surface TEXT    NOT NULL
);

INSERT INTO api_key_usage (key_id, last_used_at, last_used_surface)
  SELECT id, last_used_at, coalesce (last_used_surface, 'unknown')
  FROM api_keys WHERE last_used_at IS NOT NULL;

ALTER TABLE api_keys DROP COLUMN last_used_at;
ALTER TABLE api_keys DROP COLUMN last_used_surface;
