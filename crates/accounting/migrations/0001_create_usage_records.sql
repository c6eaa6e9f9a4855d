-- One row per gateway request, keyed by the gateway's request id.
-- Only metadata and counts: never prompt or completion text.
-- Unsigned values from the gateway are stored as INTEGER (i64); the service
-- rejects anything above i64::MAX before it reaches this table.
CREATE TABLE IF NOT EXISTS usage_records (
    request_id          TEXT    PRIMARY KEY NOT NULL,
    key_id              TEXT    NOT NULL,
    team                TEXT,
    model_requested     TEXT    NOT NULL,
    model_served        TEXT,
    provider            TEXT,
    status              INTEGER NOT NULL CHECK (status BETWEEN 0 AND 65535),
    input_tokens        INTEGER NOT NULL CHECK (input_tokens >= 0),
    output_tokens       INTEGER NOT NULL CHECK (output_tokens >= 0),
    cached_input_tokens INTEGER NOT NULL DEFAULT 0 CHECK (cached_input_tokens >= 0),
    reasoning_tokens    INTEGER NOT NULL DEFAULT 0 CHECK (reasoning_tokens >= 0),
    attempts            INTEGER NOT NULL DEFAULT 1 CHECK (attempts BETWEEN 0 AND 4294967295),
    ts_ms               INTEGER NOT NULL CHECK (ts_ms >= 0),
    received_at_ms      INTEGER NOT NULL CHECK (received_at_ms >= 0)
);

CREATE INDEX IF NOT EXISTS usage_records_ts_ms ON usage_records (ts_ms);
CREATE INDEX IF NOT EXISTS usage_records_key_id ON usage_records (key_id);
CREATE INDEX IF NOT EXISTS usage_records_model_served ON usage_records (model_served);
