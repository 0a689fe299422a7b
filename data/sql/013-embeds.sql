-- Embeddable chat widgets (standard-api.md §7): an embed answers from one workspace to web pages
-- of its allowlisted origins. allowlist_domains is a JSON array of normalised origins
-- ("https://example.com"); an empty array allows no origin.
CREATE TABLE embed_configs (
  id                         INTEGER PRIMARY KEY,
  uuid                       TEXT    NOT NULL UNIQUE,
  enabled                    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  chat_mode                  TEXT    NOT NULL DEFAULT 'query' CHECK (chat_mode IN ('chat', 'query')),
  allowlist_domains          TEXT    NOT NULL DEFAULT '[]',
  allow_model_override       INTEGER NOT NULL DEFAULT 0 CHECK (allow_model_override IN (0, 1)),
  allow_temperature_override INTEGER NOT NULL DEFAULT 0 CHECK (allow_temperature_override IN (0, 1)),
  allow_prompt_override      INTEGER NOT NULL DEFAULT 0 CHECK (allow_prompt_override IN (0, 1)),
  max_chats_per_day          INTEGER CHECK (max_chats_per_day IS NULL OR max_chats_per_day > 0),
  max_chats_per_session      INTEGER CHECK (max_chats_per_session IS NULL OR max_chats_per_session > 0),
  message_limit              INTEGER NOT NULL DEFAULT 20 CHECK (message_limit BETWEEN 1 AND 200),
  workspace_id               INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created_by                 TEXT    NOT NULL,
  created_at                 INTEGER NOT NULL
);

-- response: JSON {text, type}; the sources an answer rested on stay out of it, since the widget
-- never sees them. connection_information: JSON {host (the page's origin), ip, username}.
CREATE TABLE embed_chats (
  id                     INTEGER PRIMARY KEY,
  embed_id               INTEGER NOT NULL REFERENCES embed_configs (id) ON DELETE CASCADE,
  session_id             TEXT    NOT NULL,
  prompt                 TEXT    NOT NULL,
  response               TEXT    NOT NULL,
  include                INTEGER NOT NULL DEFAULT 1 CHECK (include IN (0, 1)),
  connection_information TEXT    NOT NULL,
  created_at             INTEGER NOT NULL
);

CREATE INDEX embed_chats_session ON embed_chats (embed_id, session_id, created_at);
CREATE INDEX embed_chats_day ON embed_chats (embed_id, created_at);
