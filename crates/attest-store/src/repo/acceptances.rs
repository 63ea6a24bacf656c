//! The acceptance log of the scope's trust: append (extending the trust's hash chain)
//! and read. The database refuses UPDATE and DELETE on the table (see the migration).

use attest_domain::{AcceptanceId, GENESIS_HASH, PersonId, SchoolId, TenantScope};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    Statement, TransactionSession, TransactionTrait,
};

pub use super::acceptance_rows::NewAcceptance;
use super::acceptance_rows::{chained, hydrate, personal_model, to_model};
use crate::StoreError;
use crate::entities::{acceptance, acceptance_personal};

pub use attest_domain::Acceptance;

/// Where a trust's chain ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub last_seq: i64,
    pub last_hash: String,
}

pub struct Acceptances<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> Acceptances<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    /// Rows of the trust the scope may see: a school-restricted scope sees the rows
    /// signed in its schools.
    fn visible(&self) -> Select<acceptance::Entity> {
        let mut query = acceptance::Entity::find()
            .filter(acceptance::Column::TrustId.eq(self.scope.trust().as_uuid()));
        if let Some(only) = self.scope.person() {
            query = query.filter(acceptance::Column::PersonId.eq(only.as_uuid()));
        }
        match self.scope.schools().restricted_to() {
            None => query,
            Some(allowed) => query
                .filter(acceptance::Column::SchoolId.is_in(allowed.iter().map(SchoolId::as_uuid))),
        }
    }

    pub(super) fn backend(&self) -> sea_orm::DbBackend {
        self.conn.get_database_backend()
    }

    pub(super) fn connection(&self) -> &'a C {
        self.conn
    }

    pub(super) fn scope(&self) -> &'a TenantScope {
        self.scope
    }

    fn statement(&self, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
        Statement::from_sql_and_values(self.conn.get_database_backend(), sql, values)
    }

    /// Where the trust's chain ends (seq 0 and the genesis hash before the first row).
    pub async fn head(&self) -> Result<ChainHead, StoreError> {
        let row = self
            .conn
            .query_one_raw(self.statement(
                "SELECT last_seq, last_hash FROM acceptance_chains WHERE trust_id = $1",
                vec![self.scope.trust().as_uuid().into()],
            ))
            .await?;
        match row {
            Some(row) => Ok(ChainHead {
                last_seq: row.try_get("", "last_seq")?,
                last_hash: row.try_get("", "last_hash")?,
            }),
            None => Ok(ChainHead {
                last_seq: 0,
                last_hash: GENESIS_HASH.to_owned(),
            }),
        }
    }

    pub async fn get(&self, id: AcceptanceId) -> Result<Acceptance, StoreError> {
        let model = self
            .visible()
            .filter(acceptance::Column::Id.eq(id.as_uuid()))
            .one(self.conn)
            .await?
            .ok_or(StoreError::NotFound("acceptance"))?;
        hydrate(self.conn, vec![model])
            .await?
            .pop()
            .ok_or(StoreError::NotFound("acceptance"))
    }

    /// Everything the person has signed or declined, oldest first.
    pub async fn for_person(&self, person: PersonId) -> Result<Vec<Acceptance>, StoreError> {
        let models = self
            .visible()
            .filter(acceptance::Column::PersonId.eq(person.as_uuid()))
            .order_by_asc(acceptance::Column::Seq)
            .all(self.conn)
            .await?;
        hydrate(self.conn, models).await
    }

    /// A page of the chain in order, rows after `after_seq`. Reads the whole trust
    /// whatever the scope's schools: the chain is only meaningful whole.
    pub async fn chain_page(
        &self,
        after_seq: i64,
        limit: u64,
    ) -> Result<Vec<Acceptance>, StoreError> {
        let models = acceptance::Entity::find()
            .filter(acceptance::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(acceptance::Column::Seq.gt(after_seq))
            .order_by_asc(acceptance::Column::Seq)
            .limit(limit)
            .all(self.conn)
            .await?;
        hydrate(self.conn, models).await
    }

    /// Rows the scope may see in chain order, a page at a time after `after_seq`;
    /// limited to `school` when given.
    pub async fn page(
        &self,
        school: Option<SchoolId>,
        after_seq: i64,
        limit: u64,
    ) -> Result<Vec<Acceptance>, StoreError> {
        let mut query = self.visible().filter(acceptance::Column::Seq.gt(after_seq));
        if let Some(school) = school {
            query = query.filter(acceptance::Column::SchoolId.eq(school.as_uuid()));
        }
        let models = query
            .order_by_asc(acceptance::Column::Seq)
            .limit(limit)
            .all(self.conn)
            .await?;
        hydrate(self.conn, models).await
    }
}

impl<C: ConnectionTrait + TransactionTrait> Acceptances<'_, C> {
    /// Appends a row at the end of the trust's chain, atomically (in a savepoint when
    /// called inside a transaction). Call it before any read in the caller's
    /// transaction: its first statement takes the trust's chain lock (a row lock on
    /// PostgreSQL, the write lock on SQLite), so concurrent signers queue rather than
    /// fork the chain.
    pub async fn append(&self, new: NewAcceptance) -> Result<Acceptance, StoreError> {
        if !self.scope.schools().allows(new.school) {
            return Err(StoreError::NotFound("school"));
        }
        if !self.scope.reaches_person(new.person) {
            return Err(StoreError::NotFound("person"));
        }
        let txn = self.conn.begin().await?;
        let row = Acceptances::new(&txn, self.scope).append_in(new).await?;
        txn.commit().await?;
        Ok(row)
    }
}

impl<C: ConnectionTrait> Acceptances<'_, C> {
    async fn append_in(&self, new: NewAcceptance) -> Result<Acceptance, StoreError> {
        let head = self.lock_chain().await?;
        let mut rows = self.append_locked(head, vec![new]).await?;
        rows.pop().ok_or(StoreError::NotFound("acceptance"))
    }

    /// Takes the trust's chain lock for the rest of the transaction (creating the
    /// chain on its first answer) and returns its head. Whatever the caller decides
    /// under the lock (which links are still unused) cannot race another writer.
    pub async fn lock_chain(&self) -> Result<ChainHead, StoreError> {
        // One statement: creates the chain or, by a no-op update, takes its row lock
        // (PostgreSQL) or the database's write lock (SQLite), and reads the head.
        let row = self
            .conn
            .query_one_raw(self.statement(
                "INSERT INTO acceptance_chains (trust_id, last_seq, last_hash) VALUES ($1, 0, $2) \
                 ON CONFLICT (trust_id) DO UPDATE SET last_seq = acceptance_chains.last_seq \
                 RETURNING last_seq, last_hash",
                vec![self.scope.trust().as_uuid().into(), GENESIS_HASH.into()],
            ))
            .await?
            .ok_or(StoreError::NotFound("signing chain"))?;
        Ok(ChainHead {
            last_seq: row.try_get("", "last_seq")?,
            last_hash: row.try_get("", "last_hash")?,
        })
    }

    /// Appends `news` in order after `head` (from `lock_chain` in this transaction):
    /// each row hashed onto the one before in memory, then written in a few
    /// statements with the new head. Every answer must be within this scope.
    pub async fn append_locked(
        &self,
        head: ChainHead,
        news: Vec<NewAcceptance>,
    ) -> Result<Vec<Acceptance>, StoreError> {
        for new in &news {
            if !self.scope.schools().allows(new.school) {
                return Err(StoreError::NotFound("school"));
            }
            if !self.scope.reaches_person(new.person) {
                return Err(StoreError::NotFound("person"));
            }
        }
        let (mut seq, mut last_hash) = (head.last_seq, head.last_hash);
        let mut rows = Vec::with_capacity(news.len());
        for new in news {
            seq += 1;
            let row = chained(self.scope.trust(), seq, last_hash, new);
            last_hash = row.row_hash.clone();
            rows.push(row);
        }
        if rows.is_empty() {
            return Ok(rows);
        }
        for chunk in rows.chunks(APPEND_CHUNK) {
            let models = chunk.iter().map(to_model).collect::<Result<Vec<_>, _>>()?;
            acceptance::Entity::insert_many(models)
                .exec_without_returning(self.conn)
                .await?;
            let personal = chunk
                .iter()
                .filter_map(personal_model)
                .collect::<Result<Vec<_>, _>>()?;
            if !personal.is_empty() {
                acceptance_personal::Entity::insert_many(personal)
                    .exec_without_returning(self.conn)
                    .await?;
            }
        }
        self.conn
            .execute_raw(self.statement(
                "UPDATE acceptance_chains SET last_seq = $1, last_hash = $2 WHERE trust_id = $3",
                vec![
                    seq.into(),
                    last_hash.into(),
                    self.scope.trust().as_uuid().into(),
                ],
            ))
            .await?;
        Ok(rows)
    }
}

/// Rows per INSERT: well inside both databases' limits on bound values.
const APPEND_CHUNK: usize = 200;
