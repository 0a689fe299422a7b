-- Credentials: outbound secrets (provider keys, tokens, basic auth, headers) that the runtime
-- and the local apps a person chooses use to authenticate elsewhere. Only their names, types
-- and non-secret metadata live here; each payload is a keyring item found by the row id.
CREATE TABLE credentials (
  id         INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL UNIQUE CHECK (length (name) BETWEEN 1 AND 100),
  type       TEXT    NOT NULL CHECK (type IN ('http_header', 'query_auth', 'basic_auth',
                                              'bearer', 'env_var', 'oauth_token')),
  metadata   TEXT,
  created_at INTEGER NOT NULL,
  created_by TEXT    NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT    NOT NULL
);
