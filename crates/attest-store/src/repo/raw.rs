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

/// Values bound to a hand-written statement, each numbered `$n` in the order bound.
#[derive(Debug, Default)]
pub(crate) struct Params(pub(crate) Vec<Value>);

impl Params {
    /// Binds `value`; its placeholder.
    pub(crate) fn bind(&mut self, value: impl Into<Value>) -> String {
        bind(&mut self.0, value)
    }

    /// [`school_filter`] with these values.
    pub(crate) fn school_filter(&mut self, scope: &TenantScope, column: &str) -> String {
        school_filter(scope, column, &mut self.0)
    }
}

/// ` AND {column} IN (…)` keeping rows to a school-restricted scope's schools (nothing
/// for a scope over the whole trust; no rows for one restricted to no school), its
/// values appended to `values`.
pub(crate) fn school_filter(scope: &TenantScope, column: &str, values: &mut Vec<Value>) -> String {
    match scope.schools().restricted_to() {
        None => String::new(),
        Some(allowed) if allowed.is_empty() => " AND 1 = 0".to_owned(),
        Some(allowed) => {
            let list = bind_list(values, allowed.iter().map(|school| school.as_uuid()));
            format!(" AND {column} IN ({list})")
        }
    }
}

/// Appends `value` to `values`; its placeholder.
pub(crate) fn bind(values: &mut Vec<Value>, value: impl Into<Value>) -> String {
    values.push(value.into());
    format!("${}", values.len())
}

/// Appends each of `items` to `values`; their placeholders, comma-separated, for an
/// `IN (…)` list or a row of `VALUES (…)`. Empty when `items` is: the caller decides
/// what an empty list means, since `IN ()` is not SQL.
pub(crate) fn bind_list<V: Into<Value>>(
    values: &mut Vec<Value>,
    items: impl IntoIterator<Item = V>,
) -> String {
    items
        .into_iter()
        .map(|item| bind(values, item))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_what_is_already_bound() {
        let mut values: Vec<Value> = vec![1i32.into()];
        assert_eq!(bind_list(&mut values, [2i32, 3, 4]), "$2, $3, $4");
        assert_eq!(bind(&mut values, 5i32), "$5");
        assert_eq!(bind_list(&mut values, Vec::<i32>::new()), "");
        assert_eq!(values.len(), 5);
        assert_eq!(values[3], Value::from(4i32));
    }

    #[test]
    fn params_number_from_one() {
        let mut params = Params::default();
        assert_eq!(params.bind("a"), "$1");
        assert_eq!(params.bind("b"), "$2");
        assert_eq!(params.0.len(), 2);
    }
}
