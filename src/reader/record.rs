//! The checked values of a table ([`Val`], [`Record`]) and the typed accessors
//! the loader takes them out with; the reading that fills them is elsewhere.

use crate::period::Period;
use crate::source::{Sp, Span};
use crate::spec::Kind;
use jiff::civil::Date;
use rust_decimal::Decimal;

/// A checked value.
#[derive(Debug, Clone)]
pub enum Val {
    /// Text, ids, references, currencies, enum values.
    Str(String),
    /// Integers.
    Int(i64),
    /// Money, decimals, probabilities.
    Dec(Decimal),
    /// Dates.
    Date(Date),
    /// Periods.
    Period(Period),
    /// Lists of strings.
    List(Vec<Sp<String>>),
    /// A sub-table.
    Record(Box<Record>),
    /// An array of tables.
    Records(Vec<Record>),
    /// Currency → rate.
    Rates(Vec<(Sp<String>, Sp<Decimal>)>),
    /// `true` or `false`.
    Bool(bool),
}

/// The checked fields of one table, by position in its [`Kind`].
#[derive(Debug, Clone)]
pub struct Record {
    /// The kind the table was read as.
    pub kind: &'static Kind,
    /// Where the table starts (its header, or the file start).
    pub span: Span,
    pub(super) vals: Vec<Option<Sp<Val>>>,
    /// Span of each value as written, good or bad.
    pub(super) written: Vec<Option<Span>>,
    /// Whether the table had keys that are not in its kind (reported).
    pub(super) unknown_keys: bool,
}

impl Record {
    fn index(&self, key: &str) -> usize {
        match self.kind.index_of(key) {
            Some(i) => i,
            None => panic!("field `{key}` is not in the spec of `{}`", self.kind.name),
        }
    }

    fn take(&mut self, key: &str) -> Option<Sp<Val>> {
        let i = self.index(key);
        self.vals[i].take()
    }

    /// Whether the key was written in the file at all, even with a bad value.
    pub fn written(&self, key: &str) -> bool {
        self.written[self.index(key)].is_some()
    }

    /// Whether the key holds a good value that has not been taken yet.
    pub fn has(&self, key: &str) -> bool {
        self.vals[self.index(key)].is_some()
    }

    /// Whether the table had keys that are not fields of its kind (each
    /// reported as unknown): a sign that a list may be misspelt.
    pub fn has_unknown_keys(&self) -> bool {
        self.unknown_keys
    }

    /// Where the key's value was written, even a bad one: lets the loader
    /// tell "absent" from "present but reported", and point at the value.
    pub fn written_at(&self, key: &str) -> Option<Span> {
        self.written[self.index(key)]
    }

    /// A string value.
    pub fn str(&mut self, key: &str) -> Option<Sp<String>> {
        match self.take(key)? {
            Sp {
                value: Val::Str(s),
                span,
            } => Some(Sp::new(s, span)),
            _ => None,
        }
    }

    /// An integer value.
    pub fn int(&mut self, key: &str) -> Option<Sp<i64>> {
        match self.take(key)? {
            Sp {
                value: Val::Int(i),
                span,
            } => Some(Sp::new(i, span)),
            _ => None,
        }
    }

    /// A decimal value.
    pub fn dec(&mut self, key: &str) -> Option<Sp<Decimal>> {
        match self.take(key)? {
            Sp {
                value: Val::Dec(d),
                span,
            } => Some(Sp::new(d, span)),
            _ => None,
        }
    }

    /// A boolean value.
    pub fn bool(&mut self, key: &str) -> Option<Sp<bool>> {
        match self.take(key)? {
            Sp {
                value: Val::Bool(b),
                span,
            } => Some(Sp::new(b, span)),
            _ => None,
        }
    }

    /// A date value.
    pub fn date(&mut self, key: &str) -> Option<Sp<Date>> {
        match self.take(key)? {
            Sp {
                value: Val::Date(d),
                span,
            } => Some(Sp::new(d, span)),
            _ => None,
        }
    }

    /// A period value.
    pub fn period(&mut self, key: &str) -> Option<Sp<Period>> {
        match self.take(key)? {
            Sp {
                value: Val::Period(p),
                span,
            } => Some(Sp::new(p, span)),
            _ => None,
        }
    }

    /// A list of strings (empty when absent).
    pub fn list(&mut self, key: &str) -> Vec<Sp<String>> {
        match self.take(key) {
            Some(Sp {
                value: Val::List(l),
                ..
            }) => l,
            _ => Vec::new(),
        }
    }

    /// A sub-table.
    pub fn record(&mut self, key: &str) -> Option<Record> {
        match self.take(key)? {
            Sp {
                value: Val::Record(r),
                ..
            } => Some(*r),
            _ => None,
        }
    }

    /// An array of tables (empty when absent).
    pub fn records(&mut self, key: &str) -> Vec<Record> {
        match self.take(key) {
            Some(Sp {
                value: Val::Records(r),
                ..
            }) => r,
            _ => Vec::new(),
        }
    }

    /// A rates table (empty when absent).
    pub fn rates(&mut self, key: &str) -> Vec<(Sp<String>, Sp<Decimal>)> {
        match self.take(key) {
            Some(Sp {
                value: Val::Rates(r),
                ..
            }) => r,
            _ => Vec::new(),
        }
    }
}
