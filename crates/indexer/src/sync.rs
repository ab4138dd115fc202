//! Following the chain: batches of blocks from the cursor to the head, each batch's rows and
//! the new cursor committed in one database transaction (a restart mid-batch finds the batch
//! absent and indexes it again, never twice); a reorg is detected by comparing the stored hash
//! of the cursor's block with the node's, and rewound to the highest stored block the node
//! still has (rows above it deleted, the projections rebuilt from the kept raw logs).

use std::collections::HashMap;
use std::time::Duration;

use alloy::eips::BlockNumberOrTag;
use alloy::primitives::{Address, B256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::Filter;
use lien_client::protocol::Addresses;

use crate::apply::{apply, RawLog};
use crate::schema::{PROJECTIONS, SCHEMA};
use crate::store::{Store, StoreError, Val};

/// What following the chain can fail with.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The node failed or refused.
    #[error("node: {0}")]
    Rpc(String),
    /// The node has no block it reported before (a reorg under way); retried at the next step.
    #[error("the node has no block {0}")]
    MissingBlock(u64),
    /// The fault-injection stop of [`Options::stop_mid_batch_after`]: the batch's transaction
    /// is left open, as a crash would leave it; drop the indexer (its connection) next.
    #[error("stopped mid-batch after {0} logs (fault injection)")]
    StoppedMidBatch(usize),
}

fn rpc(e: impl std::fmt::Display) -> IndexError {
    IndexError::Rpc(e.to_string())
}

/// How to follow the chain.
#[derive(Clone, Debug)]
pub struct Options {
    /// The first block to index (the deployment's block; 0 indexes from genesis).
    pub start_block: u64,
    /// Most blocks per batch (one `eth_getLogs`, one transaction); halved while the node
    /// refuses a range as too large.
    pub batch_blocks: u64,
    /// Blocks behind the head left unindexed (0 on a dev node; a few on a chain that reorgs).
    pub confirmations: u64,
    /// Fault injection for tests: stop inside the batch transaction after this many logs.
    pub stop_mid_batch_after: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            start_block: 0,
            batch_blocks: 2_000,
            confirmations: 0,
            stop_mid_batch_after: None,
        }
    }
}

/// The last indexed block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// Its number.
    pub block: u64,
    /// Its hash.
    pub hash: B256,
}

/// What one [`Indexer::step`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Indexed blocks `from..=to`, holding `logs` protocol logs.
    Indexed {
        /// First block of the batch.
        from: u64,
        /// Last block of the batch (the new cursor).
        to: u64,
        /// Protocol logs in the batch.
        logs: usize,
    },
    /// Found a reorg and rewound to `to` (None: to before the start block).
    Rewound {
        /// The new cursor's block.
        to: Option<u64>,
    },
    /// Nothing new: the cursor is at the head (less the confirmations).
    AtHead(u64),
}

/// Runs `f` where blocking is allowed: `block_in_place` on a multi-threaded runtime, directly
/// otherwise (the synchronous PostgreSQL client needs the former).
pub fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// Where progress lines go.
pub type Progress = Box<dyn FnMut(&str) + Send>;

/// Follows one deployment into one database.
pub struct Indexer {
    provider: DynProvider,
    contracts: Addresses,
    db: Box<dyn Store>,
    opts: Options,
    progress: Progress,
}

/// Creates the schema and checks that `db` indexes this chain's deployment (a first run
/// records it).
pub fn prepare(db: &mut dyn Store, chain_id: u64, contracts: &Addresses) -> Result<(), StoreError> {
    db.batch(SCHEMA)?;
    let identity = format!("chain {chain_id}, loan book {:#x}", contracts.loan_book);
    let rows = db.query("SELECT value FROM meta WHERE key = 'deployment'", &[])?;
    match rows.first() {
        Some(r) if r[0].text() != identity => Err(StoreError::OtherDeployment(
            r[0].text().to_owned(),
            identity,
        )),
        Some(_) => Ok(()),
        None => {
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('deployment', $1)",
                &[identity.into()],
            )?;
            Ok(())
        }
    }
}

/// The stored cursor, if any block was indexed.
pub fn cursor(db: &mut dyn Store) -> Result<Option<Cursor>, StoreError> {
    let rows = db.query("SELECT block, hash FROM cursor WHERE id = 1", &[])?;
    rows.first()
        .map(|r| {
            let hash = r[1]
                .text()
                .parse()
                .map_err(|_| StoreError::BadValue(r[1].text().to_owned(), "cursor.hash"))?;
            Ok(Cursor {
                block: u64::try_from(r[0].int()).unwrap_or_default(),
                hash,
            })
        })
        .transpose()
}

fn set_cursor(db: &mut dyn Store, c: Option<Cursor>) -> Result<(), StoreError> {
    db.execute("DELETE FROM cursor", &[])?;
    if let Some(c) = c {
        db.execute(
            "INSERT INTO cursor (id, block, hash) VALUES (1, $1, $2)",
            &[c.block.into(), Val::Text(format!("{:#x}", c.hash))],
        )?;
    }
    Ok(())
}

fn insert_log(db: &mut dyn Store, log: &RawLog) -> Result<(), StoreError> {
    let topics: Vec<String> = log.topics.iter().map(|t| format!("{t:#x}")).collect();
    db.execute(
        "INSERT INTO logs (block, log_index, tx, address, topics, data, time)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            log.block.into(),
            log.log_index.into(),
            Val::Text(format!("{:#x}", log.tx)),
            Val::Text(format!("{:#x}", log.address)),
            topics.join(",").into(),
            Val::Text(format!("{}", log.data)),
            log.time.into(),
        ],
    )?;
    Ok(())
}

fn stored_logs(db: &mut dyn Store) -> Result<Vec<RawLog>, StoreError> {
    let rows = db.query(
        "SELECT block, log_index, tx, address, topics, data, time FROM logs ORDER BY block, log_index",
        &[],
    )?;
    let bad = |v: &Val, what| StoreError::BadValue(v.text().to_owned(), what);
    rows.iter()
        .map(|r| {
            Ok(RawLog {
                block: r[0].int() as u64,
                log_index: r[1].int() as u64,
                tx: r[2].text().parse().map_err(|_| bad(&r[2], "logs.tx"))?,
                address: r[3]
                    .text()
                    .parse()
                    .map_err(|_| bad(&r[3], "logs.address"))?,
                topics: r[4]
                    .text()
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .map(|t| t.parse().map_err(|_| bad(&r[4], "logs.topics")))
                    .collect::<Result<_, _>>()?,
                data: r[5].text().parse().map_err(|_| bad(&r[5], "logs.data"))?,
                time: r[6].int() as u64,
            })
        })
        .collect()
}

/// Deletes everything above `fork` (None: everything) and rebuilds the projections from the
/// raw logs kept below it, in one transaction.
pub fn rewind(
    db: &mut dyn Store,
    contracts: &Addresses,
    fork: Option<Cursor>,
) -> Result<(), StoreError> {
    let above = Val::Int(fork.map_or(-1, |c| c.block as i64));
    db.batch("BEGIN")?;
    let result = (|| {
        db.execute(
            "DELETE FROM logs WHERE block > $1",
            std::slice::from_ref(&above),
        )?;
        db.execute(
            "DELETE FROM blocks WHERE number > $1",
            std::slice::from_ref(&above),
        )?;
        for table in PROJECTIONS {
            db.execute(&format!("DELETE FROM {table}"), &[])?;
        }
        for log in stored_logs(db)? {
            apply(db, contracts, &log)?;
        }
        set_cursor(db, fork)
    })();
    match result {
        Ok(()) => db.batch("COMMIT"),
        Err(e) => {
            let _ = db.batch("ROLLBACK");
            Err(e)
        }
    }
}

impl Indexer {
    /// An indexer of `contracts` on `provider`'s chain into `db` (schema created, identity
    /// checked).
    pub async fn new(
        provider: DynProvider,
        contracts: Addresses,
        mut db: Box<dyn Store>,
        opts: Options,
    ) -> Result<Self, IndexError> {
        let chain_id = provider.get_chain_id().await.map_err(rpc)?;
        blocking(|| prepare(db.as_mut(), chain_id, &contracts))?;
        Ok(Self {
            provider,
            contracts,
            db,
            opts,
            progress: Box::new(|_| {}),
        })
    }

    /// Reports each batch and rewind through `progress`.
    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = progress;
        self
    }

    /// The database (for queries and notifications between steps).
    pub fn db(&mut self) -> &mut dyn Store {
        self.db.as_mut()
    }

    /// The provider the indexer follows.
    pub fn provider(&self) -> &DynProvider {
        &self.provider
    }

    /// The indexed deployment.
    pub fn contracts(&self) -> &Addresses {
        &self.contracts
    }

    /// The last indexed block.
    pub fn cursor(&mut self) -> Result<Option<Cursor>, IndexError> {
        Ok(blocking(|| cursor(self.db.as_mut()))?)
    }

    async fn node_hash(&self, number: u64) -> Result<Option<B256>, IndexError> {
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Number(number))
            .await
            .map_err(rpc)?;
        Ok(block.map(|b| b.header.hash))
    }

    /// The header of block `number` (an error when the node does not have it).
    async fn header(&self, number: u64) -> Result<alloy::rpc::types::Header, IndexError> {
        Ok(self
            .provider
            .get_block_by_number(BlockNumberOrTag::Number(number))
            .await
            .map_err(rpc)?
            .ok_or(IndexError::MissingBlock(number))?
            .header)
    }

    /// The highest stored block the node still has with the same hash (None: none does).
    async fn fork_point(&mut self, below: u64) -> Result<Option<Cursor>, IndexError> {
        let rows = blocking(|| {
            self.db.query(
                "SELECT number, hash FROM blocks WHERE number <= $1 ORDER BY number DESC",
                &[below.into()],
            )
        })?;
        for r in rows {
            let number = r[0].int() as u64;
            let hash: B256 = r[1]
                .text()
                .parse()
                .map_err(|_| StoreError::BadValue(r[1].text().to_owned(), "blocks.hash"))?;
            if self.node_hash(number).await? == Some(hash) {
                return Ok(Some(Cursor {
                    block: number,
                    hash,
                }));
            }
        }
        Ok(None)
    }

    /// One step: rewind if the node no longer has the cursor's block, else index the next
    /// batch, else report the head.
    pub async fn step(&mut self) -> Result<Step, IndexError> {
        let current = self.cursor()?;
        if let Some(c) = current {
            if self.node_hash(c.block).await? != Some(c.hash) {
                let fork = self.fork_point(c.block).await?;
                let contracts = self.contracts;
                blocking(|| rewind(self.db.as_mut(), &contracts, fork))?;
                let to = fork.map(|f| f.block);
                (self.progress)(&format!(
                    "reorg: block {} changed hash; rewound to {}",
                    c.block,
                    to.map_or("the start".into(), |b| format!("block {b}"))
                ));
                return Ok(Step::Rewound { to });
            }
        }
        let head = self
            .provider
            .get_block_number()
            .await
            .map_err(rpc)?
            .saturating_sub(self.opts.confirmations);
        let from = current.map_or(self.opts.start_block, |c| c.block + 1);
        if from > head {
            return Ok(Step::AtHead(head));
        }
        // The last block's hash is read before and after the logs: equal, the node answered
        // for one chain up to it (a hash commits to every ancestor); different, a reorg came
        // in between and the batch is read again.
        let mut span = self.opts.batch_blocks.max(1);
        let mut attempts = 0;
        let (to, logs, end) = loop {
            let to = head.min(from + span - 1);
            let before = self.header(to).await?;
            let filter = Filter::new()
                .address(self.addresses())
                .from_block(from)
                .to_block(to);
            let logs = match self.provider.get_logs(&filter).await {
                Ok(logs) => logs,
                Err(_) if span > 1 => {
                    span /= 2;
                    continue;
                }
                Err(e) => return Err(rpc(e)),
            };
            let end = self.header(to).await?;
            if end.hash == before.hash {
                break (to, logs, end);
            }
            attempts += 1;
            if attempts == 3 {
                return Err(IndexError::Rpc(format!(
                    "block {to} changed hash during three reads of its batch"
                )));
            }
        };
        let mut times: HashMap<u64, u64> = HashMap::new();
        times.insert(to, end.timestamp);
        let mut raw = Vec::with_capacity(logs.len());
        let mut hashes: Vec<(u64, B256)> = Vec::new();
        for log in &logs {
            let block = log.block_number.ok_or(IndexError::MissingBlock(from))?;
            let time = match (log.block_timestamp, times.get(&block)) {
                (Some(t), _) | (None, Some(&t)) => t,
                (None, None) => {
                    self.provider
                        .get_block_by_number(BlockNumberOrTag::Number(block))
                        .await
                        .map_err(rpc)?
                        .ok_or(IndexError::MissingBlock(block))?
                        .header
                        .timestamp
                }
            };
            times.insert(block, time);
            if let Some(hash) = log.block_hash {
                if hashes.last().map(|h| h.0) != Some(block) {
                    hashes.push((block, hash));
                }
            }
            raw.push(RawLog {
                block,
                log_index: log.log_index.unwrap_or_default(),
                tx: log.transaction_hash.unwrap_or_default(),
                address: log.address(),
                topics: log.topics().to_vec(),
                data: log.data().data.clone(),
                time,
            });
        }
        hashes.push((to, end.hash));
        let count = raw.len();
        let contracts = self.contracts;
        let stop = self.opts.stop_mid_batch_after;
        blocking(|| commit_batch(self.db.as_mut(), &contracts, &raw, &hashes, &times, stop))?;
        (self.progress)(&format!(
            "indexed blocks {from}..={to}: {count} logs (head {head})"
        ));
        Ok(Step::Indexed {
            from,
            to,
            logs: count,
        })
    }

    /// Steps until the head; returns the indexed head.
    pub async fn sync(&mut self) -> Result<u64, IndexError> {
        loop {
            if let Step::AtHead(head) = self.step().await? {
                return Ok(head);
            }
        }
    }

    /// Follows the chain forever, polling every `poll` once at the head; `at_head` runs after
    /// each catch-up (notifications). Node errors are reported and retried.
    pub async fn follow(
        &mut self,
        poll: Duration,
        mut at_head: impl AsyncFnMut(&mut Self),
    ) -> Result<(), IndexError> {
        loop {
            match self.sync().await {
                Ok(_) => {
                    at_head(self).await;
                    tokio::time::sleep(poll).await;
                }
                Err(IndexError::Rpc(e)) => {
                    (self.progress)(&format!("node error, retrying: {e}"));
                    tokio::time::sleep(poll).await;
                }
                Err(IndexError::MissingBlock(_)) => tokio::time::sleep(poll).await,
                Err(e) => return Err(e),
            }
        }
    }

    fn addresses(&self) -> Vec<Address> {
        let c = &self.contracts;
        vec![
            c.offer_book,
            c.loan_book,
            c.liquidator,
            c.oracle,
            c.governance,
            c.vault,
        ]
    }
}

/// Writes one batch and the cursor in one transaction.
fn commit_batch(
    db: &mut dyn Store,
    contracts: &Addresses,
    logs: &[RawLog],
    hashes: &[(u64, B256)],
    times: &HashMap<u64, u64>,
    stop: Option<usize>,
) -> Result<(), IndexError> {
    db.batch("BEGIN")?;
    let result = (|| {
        for (i, log) in logs.iter().enumerate() {
            if stop == Some(i) {
                return Err(IndexError::StoppedMidBatch(i));
            }
            insert_log(db, log)?;
            apply(db, contracts, log)?;
        }
        for (number, hash) in hashes {
            db.execute(
                "INSERT INTO blocks (number, hash, time) VALUES ($1, $2, $3)
                 ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, time = excluded.time",
                &[
                    (*number).into(),
                    Val::Text(format!("{hash:#x}")),
                    times.get(number).copied().unwrap_or_default().into(),
                ],
            )?;
        }
        let (block, hash) = hashes[hashes.len() - 1];
        set_cursor(db, Some(Cursor { block, hash }))?;
        Ok(())
    })();
    match result {
        Ok(()) => Ok(db.batch("COMMIT")?),
        Err(e @ IndexError::StoppedMidBatch(_)) => Err(e),
        Err(e) => {
            let _ = db.batch("ROLLBACK");
            Err(e)
        }
    }
}
