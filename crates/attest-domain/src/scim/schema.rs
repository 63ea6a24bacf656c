//! The SCIM schemas attest serves (RFC 7643 §4, §8.7): which attributes of a User, its
//! enterprise extension and a Group it keeps, with their types, mutability and case
//! rules. The same table drives `/Schemas`, input checking, filters and patches, so
//! what is advertised is exactly what is stored.

use serde_json::{Value, json};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    String,
    Boolean,
    Complex,
    Reference,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutability {
    ReadWrite,
    Immutable,
}

/// One attribute as RFC 7643 §7 describes it.
#[derive(Debug)]
pub struct Attribute {
    pub name: &'static str,
    pub kind: AttrType,
    pub multi: bool,
    pub required: bool,
    pub case_exact: bool,
    pub mutability: Mutability,
    pub unique: bool,
    pub canonical: &'static [&'static str],
    pub reference_types: &'static [&'static str],
    pub sub: &'static [Attribute],
    pub description: &'static str,
}

const fn text(name: &'static str, description: &'static str) -> Attribute {
    Attribute {
        name,
        kind: AttrType::String,
        multi: false,
        required: false,
        case_exact: false,
        mutability: Mutability::ReadWrite,
        unique: false,
        canonical: &[],
        reference_types: &[],
        sub: &[],
        description,
    }
}

const fn reference(
    name: &'static str,
    types: &'static [&'static str],
    description: &'static str,
) -> Attribute {
    Attribute {
        kind: AttrType::Reference,
        case_exact: true,
        reference_types: types,
        ..text(name, description)
    }
}

/// A resource's schema: its id and its attributes.
#[derive(Debug)]
pub struct Schema {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub attributes: &'static [Attribute],
}

pub static USER: Schema = Schema {
    id: USER_SCHEMA,
    name: "User",
    description: "A member of staff, governor or volunteer",
    attributes: &[
        Attribute {
            required: true,
            unique: true,
            ..text(
                "userName",
                "Unique identifier for the User, typically the sign-in name",
            )
        },
        Attribute {
            kind: AttrType::Complex,
            sub: &[
                text("formatted", "The full name"),
                text("familyName", "The family name"),
                text("givenName", "The given name"),
            ],
            ..text("name", "The components of the user's name")
        },
        text("displayName", "The name of the User, suitable for display"),
        text("title", "The user's title, such as \"Teacher\""),
        Attribute {
            kind: AttrType::Complex,
            multi: true,
            sub: &[
                text("value", "Email address"),
                Attribute {
                    canonical: &["work", "home", "other"],
                    ..text("type", "A label: work, home or other")
                },
                Attribute {
                    kind: AttrType::Boolean,
                    ..text("primary", "Whether this is the primary address")
                },
            ],
            ..text("emails", "Email addresses for the user")
        },
        Attribute {
            kind: AttrType::Boolean,
            ..text(
                "active",
                "Whether the account is active; false ends the person's memberships",
            )
        },
    ],
};

/// `externalId`, the provisioning client's own id: common to every resource (RFC 7643
/// §3.1), so listed by no schema.
pub static EXTERNAL_ID: Attribute = Attribute {
    case_exact: true,
    ..text(
        "externalId",
        "The provisioning client's identifier for the resource",
    )
};

pub static ENTERPRISE_USER: Schema = Schema {
    id: ENTERPRISE_SCHEMA,
    name: "EnterpriseUser",
    description: "Enterprise User",
    attributes: &[
        text("employeeNumber", "The person's staff number"),
        text(
            "organization",
            "The organisation (school) the person works for",
        ),
        text("department", "The department"),
        Attribute {
            kind: AttrType::Complex,
            sub: &[
                text("value", "The id of the manager's User"),
                reference("$ref", &["User"], "The URI of the manager's User"),
            ],
            ..text("manager", "The person's manager")
        },
    ],
};

pub static GROUP: Schema = Schema {
    id: GROUP_SCHEMA,
    name: "Group",
    description: "A group of users, which mapping rules may name",
    attributes: &[
        Attribute {
            required: true,
            ..text("displayName", "A name for the group")
        },
        Attribute {
            kind: AttrType::Complex,
            multi: true,
            sub: &[
                Attribute {
                    mutability: Mutability::Immutable,
                    case_exact: true,
                    ..text("value", "The id of a member User")
                },
                Attribute {
                    mutability: Mutability::Immutable,
                    ..reference("$ref", &["User"], "The URI of the member")
                },
                Attribute {
                    mutability: Mutability::Immutable,
                    canonical: &["User"],
                    ..text("type", "The kind of member: User")
                },
            ],
            ..text("members", "The group's members (users only)")
        },
    ],
};

impl Attribute {
    pub fn find<'a>(attributes: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
        attributes
            .iter()
            .find(|attribute| attribute.name.eq_ignore_ascii_case(name))
    }

    fn to_json(&self) -> Value {
        let mut out = json!({
            "name": self.name,
            "type": match self.kind {
                AttrType::String => "string",
                AttrType::Boolean => "boolean",
                AttrType::Complex => "complex",
                AttrType::Reference => "reference",
            },
            "multiValued": self.multi,
            "description": self.description,
            "required": self.required,
            "mutability": match self.mutability {
                Mutability::ReadWrite => "readWrite",
                Mutability::Immutable => "immutable",
            },
            "returned": "default",
        });
        if self.kind != AttrType::Complex && self.kind != AttrType::Boolean {
            out["caseExact"] = json!(self.case_exact);
            out["uniqueness"] = json!(if self.unique { "server" } else { "none" });
        }
        if !self.canonical.is_empty() {
            out["canonicalValues"] = json!(self.canonical);
        }
        if !self.reference_types.is_empty() {
            out["referenceTypes"] = json!(self.reference_types);
        }
        if !self.sub.is_empty() {
            out["subAttributes"] = self.sub.iter().map(Attribute::to_json).collect();
        }
        out
    }
}

impl Schema {
    /// The schema as `/Schemas/{id}` serves it; `base` is the SCIM root URL.
    pub fn to_json(&self, base: &str) -> Value {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "attributes": self.attributes.iter().map(Attribute::to_json).collect::<Vec<_>>(),
            "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{}", self.id)},
        })
    }
}

/// Every schema served, in the order `/Schemas` lists them.
pub fn all_schemas() -> [&'static Schema; 3] {
    [&USER, &ENTERPRISE_USER, &GROUP]
}
