-- Workspaces, their threads and chats (AnythingLLM's data model, standard-api.md §4), the
-- runtime's key/value settings (the model provider's configuration; never a secret).
CREATE TABLE workspaces (
  id                     INTEGER PRIMARY KEY,
  name                   TEXT    NOT NULL CHECK (length (name) BETWEEN 1 AND 255),
  slug                   TEXT    NOT NULL UNIQUE CHECK (length (slug) BETWEEN 1 AND 255),
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL,
  openai_temp            REAL,
  openai_history         INTEGER NOT NULL DEFAULT 20,
  openai_prompt          TEXT,
  similarity_threshold   REAL    NOT NULL DEFAULT 0.25,
  top_n                  INTEGER NOT NULL DEFAULT 4,
  chat_mode              TEXT    NOT NULL DEFAULT 'automatic'
                                 CHECK (chat_mode IN ('chat', 'query', 'automatic')),
  query_refusal_response TEXT,
  chat_provider          TEXT,
  chat_model             TEXT,
  agent_provider         TEXT,
  agent_model            TEXT,
  vector_search_mode     TEXT    NOT NULL DEFAULT 'default'
                                 CHECK (vector_search_mode IN ('default', 'rerank'))
);

CREATE TABLE workspace_threads (
  id           INTEGER PRIMARY KEY,
  name         TEXT    NOT NULL,
  slug         TEXT    NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  user_id      INTEGER,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);

CREATE INDEX workspace_threads_workspace ON workspace_threads (workspace_id);

-- One row per exchange. response is JSON text {text, sources, type, attachments, metrics}.
CREATE TABLE workspace_chats (
  id             INTEGER PRIMARY KEY,
  workspace_id   INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  thread_id      INTEGER REFERENCES workspace_threads (id) ON DELETE CASCADE,
  user_id        INTEGER,
  api_session_id TEXT,
  prompt         TEXT    NOT NULL,
  response       TEXT    NOT NULL,
  include        INTEGER NOT NULL DEFAULT 1 CHECK (include IN (0, 1)),
  feedback_score INTEGER,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);

CREATE INDEX workspace_chats_partition
  ON workspace_chats (workspace_id, thread_id, api_session_id, include, id);

CREATE TABLE settings (
  key        TEXT PRIMARY KEY NOT NULL,
  value      TEXT,
  updated_at INTEGER NOT NULL
);
