-- Documents ingested from files, links and text (standard-api.md §2.6). The parsed form also
-- lives on disk as documents/<folder>/<name>.json, AnythingLLM's layout; these rows are what
-- the API lists, so a document exists for the API only once its row and all its chunks were
-- committed together (a crash leaves all or nothing).
CREATE TABLE document_folders (
  name       TEXT PRIMARY KEY NOT NULL CHECK (length (name) BETWEEN 1 AND 100),
  created_at INTEGER NOT NULL
);

INSERT INTO document_folders (name, created_at) VALUES ('custom-documents', 0);

CREATE TABLE documents (
  id                   INTEGER PRIMARY KEY,
  doc_id               TEXT    NOT NULL UNIQUE,
  folder               TEXT    NOT NULL REFERENCES document_folders (name) ON UPDATE CASCADE,
  name                 TEXT    NOT NULL CHECK (length (name) BETWEEN 1 AND 255),
  url                  TEXT    NOT NULL DEFAULT '',
  title                TEXT    NOT NULL DEFAULT '',
  doc_author           TEXT    NOT NULL DEFAULT '',
  description          TEXT    NOT NULL DEFAULT '',
  doc_source           TEXT    NOT NULL DEFAULT '',
  chunk_source         TEXT    NOT NULL DEFAULT '',
  published            TEXT    NOT NULL DEFAULT '',
  word_count           INTEGER NOT NULL DEFAULT 0,
  token_count_estimate INTEGER NOT NULL DEFAULT 0,
  n_chunks             INTEGER NOT NULL DEFAULT 0,
  original             TEXT,
  created_at           INTEGER NOT NULL,
  UNIQUE (folder, name)
);

CREATE INDEX documents_name ON documents (name);

CREATE TABLE document_chunks (
  id          INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  text        TEXT    NOT NULL,
  tokens      INTEGER NOT NULL,
  UNIQUE (document_id, seq)
);

-- BM25 over the chunks' text, kept in step with document_chunks by triggers.
CREATE VIRTUAL TABLE document_chunks_fts USING fts5 (
  text,
  content = 'document_chunks',
  content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER document_chunks_ai AFTER INSERT ON document_chunks BEGIN
  INSERT INTO document_chunks_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER document_chunks_ad AFTER DELETE ON document_chunks BEGIN
  INSERT INTO document_chunks_fts (document_chunks_fts, rowid, text)
    VALUES ('delete', old.id, old.text);
END;

-- One vector per chunk and embedder (a name such as "native:384"), so that workspaces with the
-- same embedder share them. Little-endian float32, L2-normalised.
CREATE TABLE chunk_vectors (
  chunk_id INTEGER NOT NULL REFERENCES document_chunks (id) ON DELETE CASCADE,
  embedder TEXT    NOT NULL,
  vector   BLOB    NOT NULL,
  PRIMARY KEY (chunk_id, embedder)
) WITHOUT ROWID;

-- A document in a workspace, embedded with the workspace's embedder at the time it was added.
CREATE TABLE workspace_documents (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  embedder     TEXT    NOT NULL,
  pinned       INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  watched      INTEGER NOT NULL DEFAULT 0 CHECK (watched IN (0, 1)),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (workspace_id, document_id)
);

CREATE INDEX workspace_documents_document ON workspace_documents (document_id);
