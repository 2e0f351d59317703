//! SQLite storage: aggregates only. Per report the collector keeps its random id (to drop
//! duplicates, pruned after the acceptance window) and adds its noised value to running
//! support counts; no payload, no IP address, no request metadata is stored.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use thiserror::Error;
use vitrine::privacy::ldp::Noisy;
use vitrine::privacy::queue::MAX_REPORT_AGE_DAYS;
use vitrine::privacy::reports::{EncodedReport, ReportKind};
use vitrine::privacy::wire::Day;

/// A storage failure.
#[derive(Debug, Error)]
#[error("collector database: {0}")]
pub struct StoreError(#[from] rusqlite::Error);

/// One aggregation cell's raw counts: reports of one type, day, ε and experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct CellCounts {
    /// Report type.
    pub kind: ReportKind,
    /// Day.
    pub day: Day,
    /// ε in thousandths.
    pub epsilon_milli: u32,
    /// Experiment name (empty for none).
    pub experiment: String,
    /// Reports counted.
    pub n: u64,
    /// Reports supporting each label.
    pub supports: Vec<u64>,
}

/// What an ingest did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ingested {
    /// New reports counted.
    pub accepted: usize,
    /// Reports whose id was already seen (dropped).
    pub duplicates: usize,
}

/// The database.
pub struct Store {
    conn: Connection,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS seen (id BLOB PRIMARY KEY, day INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_day ON seen(day);
CREATE TABLE IF NOT EXISTS cells (
    type TEXT NOT NULL, day INTEGER NOT NULL, eps_milli INTEGER NOT NULL, experiment TEXT NOT NULL,
    n INTEGER NOT NULL, PRIMARY KEY (type, day, eps_milli, experiment)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS supports (
    type TEXT NOT NULL, day INTEGER NOT NULL, eps_milli INTEGER NOT NULL, experiment TEXT NOT NULL,
    label INTEGER NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (type, day, eps_milli, experiment, label)) WITHOUT ROWID;
";

impl Store {
    /// Opens (creating if needed) a database file.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Store::init(conn)
    }

    /// An in-memory database (tests, simulations).
    pub fn in_memory() -> Result<Store, StoreError> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store, StoreError> {
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn })
    }

    /// Counts a batch in one transaction, dropping ids already seen.
    pub fn ingest(&mut self, reports: &[EncodedReport]) -> Result<Ingested, StoreError> {
        let tx = self.conn.transaction()?;
        let mut out = Ingested::default();
        {
            let mut seen =
                tx.prepare_cached("INSERT OR IGNORE INTO seen (id, day) VALUES (?1, ?2)")?;
            let mut cell = tx.prepare_cached(
                "INSERT INTO cells (type, day, eps_milli, experiment, n) VALUES (?1, ?2, ?3, ?4, 1)
                 ON CONFLICT DO UPDATE SET n = n + 1",
            )?;
            let mut support = tx.prepare_cached(
                "INSERT INTO supports (type, day, eps_milli, experiment, label, count) VALUES (?1, ?2, ?3, ?4, ?5, 1)
                 ON CONFLICT DO UPDATE SET count = count + 1",
            )?;
            for r in reports {
                if seen.execute(params![&r.id.0[..], r.day.0])? == 0 {
                    out.duplicates += 1;
                    continue;
                }
                let key = (
                    r.kind.as_str(),
                    r.day.0,
                    r.epsilon.milli(),
                    r.experiment.as_deref().unwrap_or(""),
                );
                cell.execute(params![key.0, key.1, key.2, key.3])?;
                match &r.noisy {
                    Noisy::Index(i) => {
                        support.execute(params![key.0, key.1, key.2, key.3, i])?;
                    }
                    Noisy::Bits(bits) => {
                        for (label, _) in bits.iter().enumerate().filter(|(_, b)| **b) {
                            support.execute(params![key.0, key.1, key.2, key.3, label as u32])?;
                        }
                    }
                }
                out.accepted += 1;
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Forgets ids of reports about days older than the acceptance window (they can no
    /// longer arrive, so they can no longer be duplicates). Returns how many.
    pub fn prune_seen(&mut self, today: Day) -> Result<usize, StoreError> {
        let oldest = today.0.saturating_sub(MAX_REPORT_AGE_DAYS + 1);
        Ok(self
            .conn
            .execute("DELETE FROM seen WHERE day < ?1", params![oldest])?)
    }

    /// Every cell's counts.
    pub fn cells(&self) -> Result<Vec<CellCounts>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT type, day, eps_milli, experiment, n FROM cells ORDER BY day DESC, type, experiment, eps_milli")?;
        let rows = stmt.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, u32>(1)?,
                row.get::<_, u32>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, u64>(4)?,
            ))
        })?;
        let mut support = self.conn.prepare_cached(
            "SELECT count FROM supports WHERE type = ?1 AND day = ?2 AND eps_milli = ?3 AND experiment = ?4 AND label = ?5",
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (name, day, eps, experiment, n) = row?;
            // Rows are only ever written from validated reports; skip anything else.
            let Some(kind) = ReportKind::parse(&name) else {
                continue;
            };
            let labels = kind.schema().labels.len();
            let mut supports = Vec::with_capacity(labels);
            for label in 0..labels as u32 {
                let c: Option<u64> = support
                    .query_row(params![name, day, eps, experiment, label], |r| r.get(0))
                    .optional()?;
                supports.push(c.unwrap_or(0));
            }
            out.push(CellCounts {
                kind,
                day: Day(day),
                epsilon_milli: eps,
                experiment,
                n,
                supports,
            });
        }
        Ok(out)
    }

    /// Total reports counted.
    pub fn total_reports(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(SUM(n), 0) FROM cells", [], |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine::privacy::reports::Report;
    use vitrine::privacy::rng::ChaCha20Rng;
    use vitrine::privacy::wire::Epsilon;

    #[test]
    fn duplicates_are_dropped_and_supports_counted() {
        let mut store = Store::in_memory().unwrap();
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let e = |label: &str, rng: &mut ChaCha20Rng| {
            Report::new(ReportKind::Engagement, Day(20_000), label, None)
                .unwrap()
                .encode(Epsilon::new(1.0).unwrap(), rng)
        };
        let batch: Vec<_> = (0..10).map(|_| e("tops", &mut rng)).collect();
        assert_eq!(
            store.ingest(&batch).unwrap(),
            Ingested {
                accepted: 10,
                duplicates: 0
            }
        );
        assert_eq!(
            store.ingest(&batch[3..5]).unwrap(),
            Ingested {
                accepted: 0,
                duplicates: 2
            }
        );
        let cells = store.cells().unwrap();
        assert_eq!(cells.len(), 1);
        assert_eq!(cells[0].n, 10);
        let set_bits: u64 = batch
            .iter()
            .map(|r| match &r.noisy {
                Noisy::Bits(b) => b.iter().filter(|x| **x).count() as u64,
                Noisy::Index(_) => 0,
            })
            .sum();
        assert_eq!(cells[0].supports.iter().sum::<u64>(), set_bits);
        assert_eq!(store.total_reports().unwrap(), 10);
        assert_eq!(store.prune_seen(Day(20_100)).unwrap(), 10);
    }
}
