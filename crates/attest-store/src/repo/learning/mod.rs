//! Read-and-understand checks and attempts, and training records (certificates,
//! sessions with their registers, imported completion files) of a trust.

mod checks;
mod training;

pub use training::{NewCertificate, NewImport, NewSession};

use attest_domain::{SchoolId, TenantScope};
use sea_orm::{ConnectionTrait, Statement, Value};

use crate::StoreError;

pub struct Learning<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> Learning<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn trust(&self) -> Value {
        self.scope.trust().as_uuid().into()
    }

    fn statement(&self, sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.conn.get_database_backend(), sql, values)
    }

    async fn execute(&self, sql: &str, values: Vec<Value>) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .execute_raw(self.statement(sql, values))
            .await?
            .rows_affected())
    }

    /// ` AND {column} IN (…)` for a school-restricted scope (nothing for the whole trust),
    /// with its values appended after `values`.
    fn school_filter(&self, column: &str, values: &mut Vec<Value>) -> String {
        match self.scope.schools().restricted_to() {
            None => String::new(),
            Some(allowed) if allowed.is_empty() => " AND 1 = 0".to_owned(),
            Some(allowed) => {
                let first = values.len() + 1;
                values.extend(allowed.iter().map(|school| Value::from(school.as_uuid())));
                let marks: Vec<String> = (first..first + allowed.len())
                    .map(|n| format!("${n}"))
                    .collect();
                format!(" AND {column} IN ({})", marks.join(", "))
            }
        }
    }

    fn allows(&self, school: SchoolId) -> bool {
        self.scope.schools().allows(school)
    }
}

fn count(value: i32) -> u32 {
    u32::try_from(value).unwrap_or_default()
}
