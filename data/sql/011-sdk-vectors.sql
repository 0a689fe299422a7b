-- The SDK's vector namespaces (local-app-protocol.md §2.6): `sdk_<identity>_<workspaceId>`,
-- kept apart by the identity the server derived from the request (an app id, or dev-<key id>),
-- never by anything the client says. Vectors are little-endian float32 BLOBs; metadata is JSON
-- text, documentId copied out of it for filtering. One store configuration per identity.
CREATE TABLE sdk_vectors (
  identity    TEXT NOT NULL,
  workspace   TEXT NOT NULL,
  id          TEXT NOT NULL,
  vector      BLOB NOT NULL,
  metadata    TEXT,
  document_id TEXT,
  PRIMARY KEY (identity, workspace, id)
);

CREATE TABLE sdk_vector_configs (
  identity   TEXT    PRIMARY KEY NOT NULL,
  provider   TEXT    NOT NULL,
  config     TEXT    NOT NULL DEFAULT '{}',
  updated_at INTEGER NOT NULL
);
