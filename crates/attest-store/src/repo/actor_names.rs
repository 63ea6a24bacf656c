//! Who did something, by name: the people and API tokens behind the actor ids kept on
//! timelines, looked up in one query each and only within the trust.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::StoreError;
use crate::entities::{api_token, person};

/// Names for `(actor_kind, actor_id)` pairs: a person's full name, a token's name as
/// `token "name"`. Ids of another trust or of nothing known are left out.
pub(crate) async fn actor_names<C: ConnectionTrait>(
    conn: &C,
    trust: uuid::Uuid,
    actors: impl Iterator<Item = (&str, Option<uuid::Uuid>)>,
) -> Result<BTreeMap<uuid::Uuid, String>, StoreError> {
    let (mut people, mut tokens) = (BTreeSet::new(), BTreeSet::new());
    for (kind, id) in actors {
        match (kind, id) {
            ("person", Some(id)) => people.insert(id),
            ("api_token", Some(id)) => tokens.insert(id),
            _ => false,
        };
    }
    let mut names = BTreeMap::new();
    if !people.is_empty() {
        let rows: Vec<(uuid::Uuid, String)> = person::Entity::find()
            .select_only()
            .columns([person::Column::Id, person::Column::FullName])
            .filter(person::Column::TrustId.eq(trust))
            .filter(person::Column::Id.is_in(people))
            .into_tuple()
            .all(conn)
            .await?;
        names.extend(rows);
    }
    if !tokens.is_empty() {
        let rows: Vec<(uuid::Uuid, String)> = api_token::Entity::find()
            .select_only()
            .columns([api_token::Column::Id, api_token::Column::Name])
            .filter(api_token::Column::TrustId.eq(trust))
            .filter(api_token::Column::Id.is_in(tokens))
            .into_tuple()
            .all(conn)
            .await?;
        names.extend(
            rows.into_iter()
                .map(|(id, name)| (id, format!("token \"{name}\""))),
        );
    }
    Ok(names)
}
