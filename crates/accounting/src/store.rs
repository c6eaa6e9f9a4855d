//! SQLite storage of usage records.
//!
//! Intent: one row per gateway request in `usage_records`, keyed by
//! `request_id`. The filter delivers at least once, so inserts use
//! `ON CONFLICT(request_id) DO NOTHING`: a redelivered record is counted as a
//! duplicate and never creates a second row nor changes the first.
//!
//! Invariants:
//! - the schema is created/upgraded only by the embedded migrations in
//!   `crates/accounting/migrations/` before [`open_store`] returns;
//! - a batch is inserted in a single transaction: either every new record of
//!   the batch is stored or none is;
//! - the database is opened in WAL mode with `create_if_missing` and a busy
//!   timeout, so concurrent readers never block the single writer for long;
//! - all queries are runtime `sqlx::query` calls (no compile-time
//!   `DATABASE_URL` is needed).

use crate::model::{StoredRecord, UsageRecord};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, SqlitePool};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// How long a connection waits on a locked database before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Pool size for file databases (SQLite has one writer; this is for readers).
const MAX_CONNECTIONS: u32 = 8;

const SELECT_COLUMNS: &str = "SELECT request_id, key_id, team, model_requested, model_served, \
     provider, status, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, \
     attempts, ts_ms, task, route_policy, route_reason, received_at_ms FROM usage_records";

/// Storage failure. Messages come from sqlx/SQLite and never include bound
/// values, so they are safe to log.
#[derive(Debug)]
pub enum StoreError {
    /// The database URL could not be parsed.
    Config(sqlx::Error),
    /// The database could not be opened.
    Open(sqlx::Error),
    /// Applying the embedded migrations failed.
    Migrate(sqlx::migrate::MigrateError),
    /// A query failed.
    Query(sqlx::Error),
    /// A stored or submitted number does not fit its column or field type.
    OutOfRange(&'static str),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(e) => write!(f, "invalid database url: {e}"),
            Self::Open(e) => write!(f, "cannot open database: {e}"),
            Self::Migrate(e) => write!(f, "cannot migrate database: {e}"),
            Self::Query(e) => write!(f, "database query failed: {e}"),
            Self::OutOfRange(field) => write!(f, "value of `{field}` out of range"),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Config(e) | Self::Open(e) | Self::Query(e) => Some(e),
            Self::Migrate(e) => Some(e),
            Self::OutOfRange(_) => None,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        Self::Query(e)
    }
}

/// Result of inserting one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InsertOutcome {
    /// Records newly stored.
    pub accepted: u64,
    /// Records whose `request_id` was already stored (including repeats
    /// within the same batch).
    pub duplicates: u64,
}

/// Handle to the usage database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

/// Opens (creating if missing) and migrates the database at `url`, e.g.
/// `sqlite:///var/lib/switchboard/accounting.db`.
///
/// In-memory URLs (`sqlite::memory:`) work too; the pool then keeps one
/// connection alive forever so the database is not dropped while idle.
pub async fn open_store(url: &str) -> Result<Store, StoreError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(StoreError::Config)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(BUSY_TIMEOUT);
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let pool_options = if in_memory {
        SqlitePoolOptions::new()
            .min_connections(1)
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
    } else {
        SqlitePoolOptions::new().max_connections(MAX_CONNECTIONS)
    };
    let pool = pool_options
        .connect_with(options)
        .await
        .map_err(StoreError::Open)?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .map_err(StoreError::Migrate)?;
    Ok(Store { pool })
}

fn to_i64(field: &'static str, value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::OutOfRange(field))
}

fn get_u64(row: &SqliteRow, field: &'static str) -> Result<u64, StoreError> {
    let v: i64 = row.try_get(field)?;
    u64::try_from(v).map_err(|_| StoreError::OutOfRange(field))
}

fn get_u32(row: &SqliteRow, field: &'static str) -> Result<u32, StoreError> {
    let v: i64 = row.try_get(field)?;
    u32::try_from(v).map_err(|_| StoreError::OutOfRange(field))
}

fn get_u16(row: &SqliteRow, field: &'static str) -> Result<u16, StoreError> {
    let v: i64 = row.try_get(field)?;
    u16::try_from(v).map_err(|_| StoreError::OutOfRange(field))
}

fn from_row(row: &SqliteRow) -> Result<StoredRecord, StoreError> {
    Ok(StoredRecord {
        record: UsageRecord {
            request_id: row.try_get("request_id")?,
            key_id: row.try_get("key_id")?,
            team: row.try_get("team")?,
            model_requested: row.try_get("model_requested")?,
            model_served: row.try_get("model_served")?,
            provider: row.try_get("provider")?,
            status: get_u16(row, "status")?,
            input_tokens: get_u64(row, "input_tokens")?,
            output_tokens: get_u64(row, "output_tokens")?,
            cached_input_tokens: get_u64(row, "cached_input_tokens")?,
            reasoning_tokens: get_u64(row, "reasoning_tokens")?,
            attempts: get_u32(row, "attempts")?,
            ts_ms: get_u64(row, "ts_ms")?,
            task: row.try_get("task")?,
            route_policy: row.try_get("route_policy")?,
            route_reason: row.try_get("route_reason")?,
        },
        received_at_ms: get_u64(row, "received_at_ms")?,
    })
}

impl Store {
    /// Inserts `records` in one transaction; existing request ids are left
    /// untouched and counted as duplicates.
    pub async fn insert_batch(
        &self,
        records: &[UsageRecord],
        received_at_ms: u64,
    ) -> Result<InsertOutcome, StoreError> {
        let mut outcome = InsertOutcome::default();
        if records.is_empty() {
            return Ok(outcome);
        }
        let received_at_ms = to_i64("received_at_ms", received_at_ms)?;
        let mut tx = self.pool.begin().await?;
        for r in records {
            let result = sqlx::query(
                "INSERT INTO usage_records (request_id, key_id, team, model_requested, \
                 model_served, provider, status, input_tokens, output_tokens, \
                 cached_input_tokens, reasoning_tokens, attempts, ts_ms, received_at_ms, \
                 task, route_policy, route_reason) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT(request_id) DO NOTHING",
            )
            .bind(&r.request_id)
            .bind(&r.key_id)
            .bind(&r.team)
            .bind(&r.model_requested)
            .bind(&r.model_served)
            .bind(&r.provider)
            .bind(i64::from(r.status))
            .bind(to_i64("input_tokens", r.input_tokens)?)
            .bind(to_i64("output_tokens", r.output_tokens)?)
            .bind(to_i64("cached_input_tokens", r.cached_input_tokens)?)
            .bind(to_i64("reasoning_tokens", r.reasoning_tokens)?)
            .bind(i64::from(r.attempts))
            .bind(to_i64("ts_ms", r.ts_ms)?)
            .bind(received_at_ms)
            .bind(&r.task)
            .bind(&r.route_policy)
            .bind(&r.route_reason)
            .execute(&mut *tx)
            .await?;
            if result.rows_affected() == 0 {
                outcome.duplicates += 1;
            } else {
                outcome.accepted += 1;
            }
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// The record stored under `request_id`, if any.
    pub async fn get(&self, request_id: &str) -> Result<Option<StoredRecord>, StoreError> {
        let sql = format!("{SELECT_COLUMNS} WHERE request_id = ?");
        let row = sqlx::query(&sql)
            .bind(request_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Up to `limit` records, newest `ts_ms` first (ties: latest inserted first).
    pub async fn recent(&self, limit: u32) -> Result<Vec<StoredRecord>, StoreError> {
        let sql = format!("{SELECT_COLUMNS} ORDER BY ts_ms DESC, rowid DESC LIMIT ?");
        let rows = sqlx::query(&sql)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Checks the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for in-flight queries; WAL is checkpointed by
    /// SQLite when the last connection closes.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, ts_ms: u64) -> UsageRecord {
        UsageRecord {
            request_id: id.into(),
            key_id: "k".into(),
            team: None,
            model_requested: "m".into(),
            model_served: Some("m-1".into()),
            provider: Some("p".into()),
            status: 200,
            input_tokens: 1,
            output_tokens: 2,
            cached_input_tokens: 0,
            reasoning_tokens: 0,
            attempts: 1,
            ts_ms,
            task: Some("code".into()),
            route_policy: None,
            route_reason: None,
        }
    }

    #[tokio::test]
    async fn routing_decision_fields_round_trip() {
        let store = open_store("sqlite::memory:").await.unwrap();
        store.insert_batch(&[record("t", 1)], 5).await.unwrap();
        let got = store.get("t").await.unwrap().unwrap();
        assert_eq!(got.record.task.as_deref(), Some("code"));
        assert_eq!(got.record.route_policy, None);
    }

    #[tokio::test]
    async fn in_memory_store_dedups_within_and_across_batches() {
        let store = open_store("sqlite::memory:").await.unwrap();
        let batch = [record("a", 1), record("b", 2), record("a", 3)];
        let out = store.insert_batch(&batch, 10).await.unwrap();
        assert_eq!(
            out,
            InsertOutcome {
                accepted: 2,
                duplicates: 1
            }
        );
        let out = store.insert_batch(&batch, 20).await.unwrap();
        assert_eq!(
            out,
            InsertOutcome {
                accepted: 0,
                duplicates: 3
            }
        );
        let a = store.get("a").await.unwrap().unwrap();
        assert_eq!(a.record.ts_ms, 1);
        assert_eq!(a.received_at_ms, 10);
        let ids: Vec<_> = store
            .recent(10)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.record.request_id)
            .collect();
        assert_eq!(ids, ["b", "a"]);
        store.ping().await.unwrap();
    }

    #[tokio::test]
    async fn out_of_range_values_are_refused_before_writing() {
        let store = open_store("sqlite::memory:").await.unwrap();
        let mut bad = record("x", 1);
        bad.input_tokens = u64::MAX;
        let err = store.insert_batch(&[record("ok", 1), bad], 1).await;
        assert!(matches!(err, Err(StoreError::OutOfRange("input_tokens"))));
        // The transaction was rolled back: nothing from the batch was kept.
        assert!(store.get("ok").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn bad_url_is_a_config_error() {
        let err = open_store("sqlite://x.db?mode=bogus").await.unwrap_err();
        assert!(matches!(err, StoreError::Config(_)));
    }
}
