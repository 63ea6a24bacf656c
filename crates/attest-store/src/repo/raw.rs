//! Hand-written SQL within one trust: statements with `$n` parameters (both databases
//! take them), the trust bound first.

use attest_domain::TenantScope;
use sea_orm::{ConnectionTrait, Statement, Value};

use crate::StoreError;

pub(crate) struct Raw<'a, C> {
    pub(crate) conn: &'a C,
    pub(crate) scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> Raw<'a, C> {
    pub(crate) fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    /// The scope's trust, as a parameter.
    pub(crate) fn trust(&self) -> Value {
        self.scope.trust().as_uuid().into()
    }

    pub(crate) fn statement(&self, sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.conn.get_database_backend(), sql, values)
    }

    /// Runs `sql`; how many rows it changed.
    pub(crate) async fn execute(&self, sql: &str, values: Vec<Value>) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .execute_raw(self.statement(sql, values))
            .await?
            .rows_affected())
    }
}
