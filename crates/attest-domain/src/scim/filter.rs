//! SCIM filters (RFC 7644 §3.4.2.2): `userName eq "ann@alpha.example"`,
//! `emails[type eq "work" and value co "@alpha"]`, `not (active eq false) or title pr`,
//! parsed into a tree and evaluated against a resource as it is served.

use serde_json::Value;

use super::error::ScimError;
use super::path::AttrPath;
use super::resource::ResourceKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Compare {
        path: AttrPath,
        op: CompareOp,
        value: Value,
    },
    Present(AttrPath),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `emails[type eq "work"]`: some element of `path` matches the inner filter.
    ValuePath {
        path: AttrPath,
        filter: Box<Filter>,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Word(String),
    Literal(Value),
}

fn tokens(raw: &str) -> Result<Vec<Token>, ScimError> {
    let mut out = Vec::new();
    let chars: Vec<char> = raw.chars().collect();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        match c {
            ' ' | '\t' | '\n' | '\r' => at += 1,
            '(' => (out.push(Token::Open), at += 1).1,
            ')' => (out.push(Token::Close), at += 1).1,
            '[' => (out.push(Token::OpenBracket), at += 1).1,
            ']' => (out.push(Token::CloseBracket), at += 1).1,
            '"' => {
                let start = at;
                at += 1;
                while at < chars.len() && chars[at] != '"' {
                    at += if chars[at] == '\\' { 2 } else { 1 };
                }
                if at >= chars.len() {
                    return Err(ScimError::invalid_filter(format!(
                        "the string starting at character {} is not closed",
                        start + 1
                    )));
                }
                let literal: String = chars[start..=at].iter().collect();
                let value: String = serde_json::from_str(&literal).map_err(|_| {
                    ScimError::invalid_filter(format!("{literal} is not a valid string"))
                })?;
                out.push(Token::Literal(Value::String(value)));
                at += 1;
            }
            _ => {
                let start = at;
                while at < chars.len() && !" \t\n\r()[]\"".contains(chars[at]) {
                    at += 1;
                }
                out.push(Token::Word(chars[start..at].iter().collect()));
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

fn keyword(token: Option<&Token>, word: &str) -> bool {
    matches!(token, Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn or(&mut self) -> Result<Filter, ScimError> {
        let mut left = self.and()?;
        while keyword(self.peek(), "or") {
            self.at += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, ScimError> {
        let mut left = self.unary()?;
        while keyword(self.peek(), "and") {
            self.at += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn expect(&mut self, wanted: &Token, what: &str) -> Result<(), ScimError> {
        match self.next() {
            Some(token) if &token == wanted => Ok(()),
            _ => Err(ScimError::invalid_filter(format!("expected {what}"))),
        }
    }

    fn unary(&mut self) -> Result<Filter, ScimError> {
        if keyword(self.peek(), "not") {
            self.at += 1;
            self.expect(&Token::Open, "'(' after not")?;
            let inner = self.or()?;
            self.expect(&Token::Close, "')'")?;
            return Ok(Filter::Not(Box::new(inner)));
        }
        if self.peek() == Some(&Token::Open) {
            self.at += 1;
            let inner = self.or()?;
            self.expect(&Token::Close, "')'")?;
            return Ok(inner);
        }
        let Some(Token::Word(word)) = self.next() else {
            return Err(ScimError::invalid_filter(
                "expected an attribute name".to_owned(),
            ));
        };
        let path = AttrPath::parse(&word)
            .map_err(|_| ScimError::invalid_filter(format!("'{word}' is not an attribute path")))?;
        if self.peek() == Some(&Token::OpenBracket) {
            self.at += 1;
            let inner = self.or()?;
            self.expect(&Token::CloseBracket, "']'")?;
            return Ok(Filter::ValuePath {
                path,
                filter: Box::new(inner),
            });
        }
        let Some(Token::Word(op)) = self.next() else {
            return Err(ScimError::invalid_filter(format!(
                "expected an operator after {word}"
            )));
        };
        let op = match op.to_ascii_lowercase().as_str() {
            "pr" => return Ok(Filter::Present(path)),
            "eq" => CompareOp::Eq,
            "ne" => CompareOp::Ne,
            "co" => CompareOp::Co,
            "sw" => CompareOp::Sw,
            "ew" => CompareOp::Ew,
            "gt" => CompareOp::Gt,
            "ge" => CompareOp::Ge,
            "lt" => CompareOp::Lt,
            "le" => CompareOp::Le,
            other => {
                return Err(ScimError::invalid_filter(format!(
                    "'{other}' is not an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)"
                )));
            }
        };
        let value = match self.next() {
            Some(Token::Literal(value)) => value,
            Some(Token::Word(word)) => match word.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                number => serde_json::from_str::<serde_json::Number>(number)
                    .map(Value::Number)
                    .map_err(|_| {
                        ScimError::invalid_filter(format!(
                            "'{number}' is not a value: quote strings, as in \"{number}\""
                        ))
                    })?,
            },
            _ => {
                return Err(ScimError::invalid_filter(format!(
                    "expected a value after {word}"
                )));
            }
        };
        Ok(Filter::Compare { path, op, value })
    }
}

/// Filters longer than this are refused rather than parsed.
pub const MAX_FILTER_LENGTH: usize = 4096;

impl Filter {
    pub fn parse(raw: &str) -> Result<Self, ScimError> {
        if raw.len() > MAX_FILTER_LENGTH {
            return Err(ScimError::invalid_filter(format!(
                "the filter is longer than {MAX_FILTER_LENGTH} characters"
            )));
        }
        let mut parser = Parser {
            tokens: tokens(raw)?,
            at: 0,
        };
        let filter = parser.or()?;
        if parser.at < parser.tokens.len() {
            return Err(ScimError::invalid_filter(format!(
                "unexpected text after a complete filter in '{raw}'"
            )));
        }
        Ok(filter)
    }

    /// `attr eq "value"` on its own or as a conjunct: a lookup an index can answer
    /// before the whole filter is checked.
    pub fn equality_on(&self, attr: &str) -> Option<&str> {
        match self {
            Self::Compare {
                path,
                op: CompareOp::Eq,
                value: Value::String(value),
            } if path.sub.is_none() && path.attr.eq_ignore_ascii_case(attr) => Some(value),
            Self::And(left, right) => left.equality_on(attr).or_else(|| right.equality_on(attr)),
            _ => None,
        }
    }

    /// Whether the resource (as served: id, meta, schemas, extension objects) matches.
    pub fn matches(&self, kind: ResourceKind, resource: &Value) -> bool {
        self.matches_in(kind, resource, None)
    }

    /// `within`: the multi-valued attribute whose element `resource` is.
    fn matches_in(&self, kind: ResourceKind, resource: &Value, within: Option<&AttrPath>) -> bool {
        match self {
            Self::And(left, right) => {
                left.matches_in(kind, resource, within) && right.matches_in(kind, resource, within)
            }
            Self::Or(left, right) => {
                left.matches_in(kind, resource, within) || right.matches_in(kind, resource, within)
            }
            Self::Not(inner) => !inner.matches_in(kind, resource, within),
            Self::Present(path) => leaves(kind, resource, path, within)
                .into_iter()
                .any(|(value, _)| present(value)),
            Self::ValuePath { path, filter } => kind
                .lookup(resource, path)
                .and_then(Value::as_array)
                .is_some_and(|items| {
                    items
                        .iter()
                        .any(|item| filter.matches_in(kind, item, Some(path)))
                }),
            Self::Compare { path, op, value } => {
                let found = leaves(kind, resource, path, within);
                if *op == CompareOp::Ne {
                    return !found
                        .iter()
                        .any(|(have, exact)| compare(have, CompareOp::Eq, value, *exact));
                }
                if value.is_null() && *op == CompareOp::Eq {
                    return !found.iter().any(|(have, _)| present(have));
                }
                found
                    .iter()
                    .any(|(have, exact)| compare(have, *op, value, *exact))
            }
        }
    }
}

fn present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(text) => !text.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(fields) => !fields.is_empty(),
        _ => true,
    }
}

/// The values a path reaches, each with whether it compares case-exactly.
fn leaves<'a>(
    kind: ResourceKind,
    resource: &'a Value,
    path: &AttrPath,
    within: Option<&AttrPath>,
) -> Vec<(&'a Value, bool)> {
    let (node, exact) = match within {
        Some(parent) => {
            let sub = AttrPath {
                schema: parent.schema.clone(),
                attr: parent.attr.clone(),
                sub: Some(path.attr.clone()),
            };
            (
                super::resource::field(resource, &path.attr),
                kind.case_exact(&sub),
            )
        }
        None => (kind.lookup(resource, path), kind.case_exact(path)),
    };
    let Some(node) = node else {
        return Vec::new();
    };
    let pick = |item: &'a Value| match (&path.sub, within) {
        (Some(sub), None) => super::resource::field(item, sub),
        (None, None) if item.is_object() => super::resource::field(item, "value"),
        _ => Some(item),
    };
    match node {
        Value::Array(items) => items
            .iter()
            .filter_map(pick)
            .map(|value| (value, exact))
            .collect(),
        single => pick(single)
            .map(|value| vec![(value, exact)])
            .unwrap_or_default(),
    }
}

fn compare(have: &Value, op: CompareOp, want: &Value, exact: bool) -> bool {
    match (have, want) {
        (Value::String(have), Value::String(want)) => {
            let (have, want) = if exact {
                (have.clone(), want.clone())
            } else {
                (have.to_lowercase(), want.to_lowercase())
            };
            match op {
                CompareOp::Eq => have == want,
                CompareOp::Ne => have != want,
                CompareOp::Co => have.contains(&want),
                CompareOp::Sw => have.starts_with(&want),
                CompareOp::Ew => have.ends_with(&want),
                CompareOp::Gt => have > want,
                CompareOp::Ge => have >= want,
                CompareOp::Lt => have < want,
                CompareOp::Le => have <= want,
            }
        }
        (Value::Bool(have), Value::Bool(want)) => match op {
            CompareOp::Eq => have == want,
            CompareOp::Ne => have != want,
            _ => false,
        },
        // Entra and others send booleans as strings now and then.
        (Value::Bool(have), Value::String(want)) => compare(
            &Value::String(have.to_string()),
            op,
            &Value::String(want.clone()),
            false,
        ),
        (Value::Number(have), Value::Number(want)) => {
            let (Some(have), Some(want)) = (have.as_f64(), want.as_f64()) else {
                return false;
            };
            match op {
                CompareOp::Eq => (have - want).abs() < f64::EPSILON,
                CompareOp::Ne => (have - want).abs() >= f64::EPSILON,
                CompareOp::Gt => have > want,
                CompareOp::Ge => have >= want,
                CompareOp::Lt => have < want,
                CompareOp::Le => have <= want,
                _ => false,
            }
        }
        _ => false,
    }
}
