//! Reads a parsed TOML document against a [`Kind`] of the format spec and
//! reports every problem of shape at once: unknown fields (with
//! did-you-mean), missing fields, wrong types, values outside their enum or
//! range, bad dates, ids that are not slugs. What is left is a [`Record`] of
//! checked values with their spans, from which the loader builds typed
//! structs without further checks of shape.
//!
//! We read toml's spanned `DeTable` ourselves instead of deriving
//! `Deserialize`, because serde stops at the first error of a file and loses
//! the spans of everything but the failing key.

use crate::diag::{Code, Diagnostic, did_you_mean, quote_list};
use crate::ids::{is_slug, slugify};
use crate::period::Period;
use crate::source::{FileId, Sp, Span};
use crate::spec::{Field, Kind, Ty};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::str::FromStr;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

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
}

/// The checked fields of one table, by position in its [`Kind`].
#[derive(Debug, Clone)]
pub struct Record {
    /// The kind the table was read as.
    pub kind: &'static Kind,
    /// Where the table starts (its header, or the file start).
    pub span: Span,
    vals: Vec<Option<Sp<Val>>>,
    /// Span of each value as written, good or bad.
    written: Vec<Option<Span>>,
    /// Whether the table had keys that are not in its kind (reported).
    unknown_keys: bool,
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

/// Reads a whole file's text as a document of `kind`. Returns `None` when
/// the file is empty or not valid TOML (the diagnostic says which).
pub fn read_document(
    text: &str,
    file: FileId,
    kind: &'static Kind,
    diags: &mut Vec<Diagnostic>,
) -> Option<Record> {
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::new(Code::EmptyFile, Span::file_start(file), "file is empty").hint(
                format!(
                    "a {} file needs at least: {}",
                    kind.name,
                    required_keys(kind)
                ),
            ),
        );
        return None;
    }
    let (table, errors) = DeTable::parse_recoverable(text);
    if let Some(e) = errors.first() {
        // Later errors are mostly the parser's recovery noise; the first is the one to fix.
        let range = e.span().unwrap_or(0..0);
        // TOML itself rejects dates like 2026-02-30; that is a bad date to
        // the user, not a stray character.
        let d = if e.message().starts_with("invalid date") {
            Diagnostic::new(
                Code::BadDate,
                Span::new(file, range),
                format!("{} (the rest of the file is not read)", e.message()),
            )
            .hint("write a date that exists, as YYYY-MM-DD without quotes: 2026-11-30")
        } else {
            Diagnostic::new(
                Code::Syntax,
                Span::new(file, range),
                format!("TOML syntax: {}", e.message()),
            )
            .maybe_hint(syntax_hint(e.message()))
        };
        diags.push(d);
        return None;
    }
    let mut r = Reader { file, diags };
    Some(r.table(table.get_ref(), Span::file_start(file), kind, None))
}

fn required_keys(kind: &Kind) -> String {
    let keys: Vec<&str> = kind
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.key)
        .collect();
    if keys.is_empty() {
        "nothing (it may hold only comments)".to_string()
    } else {
        quote_list(&keys)
    }
}

fn syntax_hint(msg: &str) -> Option<String> {
    if msg.contains("string values must be quoted") {
        Some("put text in double quotes: name = \"ACME\"".into())
    } else if msg.contains("duplicate key") {
        Some("each key may appear once per table; for a list of tables use [[name]]".into())
    } else {
        None
    }
}

struct Reader<'a> {
    file: FileId,
    diags: &'a mut Vec<Diagnostic>,
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

fn expected_name(ty: &Ty) -> &'static str {
    match ty {
        Ty::Text | Ty::Markdown | Ty::Id | Ty::Ref | Ty::Currency | Ty::Enum(_) | Ty::Period => {
            "a string"
        }
        Ty::Int { .. } => "an integer",
        Ty::Money | Ty::Decimal | Ty::Probability => "a number",
        Ty::Date => "a date (YYYY-MM-DD, without quotes)",
        Ty::EnumList(_) | Ty::TextList => "a list of strings",
        Ty::Table(_) | Ty::Rates => "a table",
        Ty::Tables(_) => "a list of tables ([[...]])",
    }
}

/// Parses a TOML number literal (as toml hands it over: no underscores,
/// no radix prefix) into an exact decimal.
fn exact_decimal(v: &DeValue<'_>) -> Option<Decimal> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(Decimal::from),
        DeValue::Float(f) => {
            let s = f.as_str();
            Decimal::from_str(s)
                .ok()
                .or_else(|| Decimal::from_scientific(s).ok())
        }
        _ => None,
    }
}

fn toml_date(v: &DeValue<'_>) -> Result<Date, String> {
    let DeValue::Datetime(dt) = v else {
        return Err("not a date".into());
    };
    match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => {
            Date::new(d.year as i16, d.month as i8, d.day as i8).map_err(|e| format!("{e}"))
        }
        (Some(_), _, _) => Err("expected a date without a time of day".into()),
        (None, _, _) => Err("expected a date, found a time of day".into()),
    }
}

impl Reader<'_> {
    fn span(&self, s: &Spanned<impl Sized>) -> Span {
        Span::new(self.file, s.span())
    }

    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn table(
        &mut self,
        table: &DeTable<'_>,
        anchor: Span,
        kind: &'static Kind,
        parent: Option<&'static Kind>,
    ) -> Record {
        let n = kind.fields.len();
        let mut rec = Record {
            kind,
            span: anchor,
            vals: vec![None; n],
            written: vec![None; n],
            unknown_keys: false,
        };
        // Fields that an unknown key was taken for a typo of: the "did you
        // mean" says it all, so they are not also reported as missing.
        let mut suggested: Vec<&str> = Vec::new();
        for (key, value) in table.iter() {
            let k: &str = key.get_ref();
            match kind.index_of(k) {
                Some(i) => {
                    rec.written[i] = Some(self.span(value));
                    rec.vals[i] = self.value(value, &kind.fields[i], kind);
                }
                None => {
                    rec.unknown_keys = true;
                    let misplaced = parent.is_some_and(|p| p.index_of(k).is_some());
                    let hint = match did_you_mean(k, kind.keys()) {
                        _ if misplaced => format!(
                            "`{k}` is a field of the {0}, but here it sits under a [[{1}]] header, so TOML puts it into that {1}; move it above the first [[...]] header of the file",
                            parent.map(|p| p.name).unwrap_or_default(),
                            kind.name
                        ),
                        Some(c) => {
                            suggested.push(c);
                            format!("did you mean `{c}`?")
                        }
                        None => format!(
                            "fields of {}: {}",
                            kind.name,
                            kind.keys().collect::<Vec<_>>().join(", ")
                        ),
                    };
                    let span = self.span(key);
                    self.push(
                        Diagnostic::new(
                            Code::UnknownField,
                            span,
                            format!("unknown field `{k}` in {}", kind.name),
                        )
                        .label("not a field of this table")
                        .hint(hint),
                    );
                }
            }
        }
        for (i, f) in kind.fields.iter().enumerate() {
            if f.required && rec.written[i].is_none() && !suggested.contains(&f.key) {
                self.push(
                    Diagnostic::new(
                        Code::MissingField,
                        anchor,
                        format!("missing required field `{}` in {}", f.key, kind.name),
                    )
                    .hint(format!("add `{} = …`: {}", f.key, f.doc)),
                );
            }
        }
        rec
    }

    fn wrong_type(&mut self, v: &Spanned<DeValue<'_>>, field: &Field, hint: Option<String>) {
        let span = self.span(v);
        let found = type_name(v.get_ref());
        let hint = hint.or_else(|| match (field.ty, v.get_ref()) {
            (Ty::Date, DeValue::String(s)) if Date::from_str(s).is_ok() => {
                Some(format!("write dates without quotes: {} = {s}", field.key))
            }
            (Ty::Money | Ty::Decimal | Ty::Probability | Ty::Int { .. }, DeValue::String(_)) => {
                Some(format!(
                    "write numbers without quotes, e.g. {} = 1_200_000",
                    field.key
                ))
            }
            (Ty::TextList | Ty::EnumList(_), DeValue::String(s)) => {
                Some(format!("write a list: {} = [\"{s}\"]", field.key))
            }
            (Ty::Tables(k), DeValue::Table(_)) => Some(format!(
                "write [[{}]] (double brackets) for each entry",
                k.name
            )),
            _ => None,
        });
        self.push(
            Diagnostic::new(
                Code::WrongType,
                span,
                format!(
                    "`{}` should be {}, found {found}",
                    field.key,
                    expected_name(&field.ty)
                ),
            )
            .maybe_hint(hint),
        );
    }

    fn value(
        &mut self,
        v: &Spanned<DeValue<'_>>,
        field: &Field,
        owner: &'static Kind,
    ) -> Option<Sp<Val>> {
        let span = self.span(v);
        let val = match field.ty {
            Ty::Text | Ty::Ref => {
                let s = self.string(v, field)?;
                if s.trim().is_empty() {
                    self.push(
                        Diagnostic::new(
                            Code::EmptyValue,
                            span,
                            format!("`{}` is empty", field.key),
                        )
                        .hint(format!("write a value or remove the line: {}", field.doc)),
                    );
                    return None;
                }
                Val::Str(s)
            }
            Ty::Markdown => Val::Str(self.string(v, field)?),
            Ty::Id => {
                let s = self.string(v, field)?;
                if !is_slug(&s) {
                    let sug = slugify(&s);
                    self.push(
                        Diagnostic::new(Code::BadId, span, format!("id \"{s}\" is not a slug"))
                            .hint(slug_hint(&sug)),
                    );
                    // Kept as written: the entry still exists, and references
                    // spelling the same id must not cascade into "unknown id".
                }
                Val::Str(s)
            }
            Ty::Currency => {
                let s = self.string(v, field)?;
                if !is_currency(&s) {
                    self.push(
                        Diagnostic::new(
                            Code::BadCurrency,
                            span,
                            format!("\"{s}\" is not an ISO 4217 currency code"),
                        )
                        .hint(currency_hint(&s)),
                    );
                    return None;
                }
                Val::Str(s)
            }
            Ty::Enum(allowed) => {
                let s = self.string(v, field)?;
                if !allowed.contains(&s.as_str()) {
                    self.not_allowed(span, field.key, &s, allowed);
                    return None;
                }
                Val::Str(s)
            }
            Ty::Period => {
                let s = self.string(v, field)?;
                match Period::parse(&s) {
                    Some(p) => Val::Period(p),
                    None => {
                        self.push(
                            Diagnostic::new(Code::BadPeriod, span, format!("\"{s}\" is not a period"))
                                .hint("write a fiscal year \"2026\", a quarter \"2026-Q4\" or a month \"2026-11\""),
                        );
                        return None;
                    }
                }
            }
            Ty::Int { min, max } => {
                let DeValue::Integer(i) = v.get_ref() else {
                    self.wrong_type(v, field, None);
                    return None;
                };
                let n = i64::from_str_radix(i.as_str(), i.radix()).ok();
                match n {
                    Some(n) if (min..=max).contains(&n) => Val::Int(n),
                    _ => {
                        self.push(
                            Diagnostic::new(
                                Code::OutOfRange,
                                span,
                                format!("`{}` must be between {min} and {max}", field.key),
                            )
                            .hint(field.doc),
                        );
                        return None;
                    }
                }
            }
            Ty::Money | Ty::Decimal | Ty::Probability => {
                if !matches!(v.get_ref(), DeValue::Integer(_) | DeValue::Float(_)) {
                    self.wrong_type(v, field, None);
                    return None;
                }
                let Some(d) = exact_decimal(v.get_ref()) else {
                    self.push(
                        Diagnostic::new(
                            Code::OutOfRange,
                            span,
                            format!("`{}` is not a finite number in range", field.key),
                        )
                        .hint(field.doc),
                    );
                    return None;
                };
                let d = d.normalize();
                match field.ty {
                    Ty::Money if d.is_sign_negative() && !d.is_zero() => {
                        self.push(
                            Diagnostic::new(Code::NegativeAmount, span, format!("`{}` is negative", field.key))
                                .hint("amounts are never below 0; a lost deal keeps its amount and moves to a lost stage"),
                        );
                        return None;
                    }
                    Ty::Money if d.scale() > 2 => {
                        self.push(
                            Diagnostic::new(
                                Code::TooPrecise,
                                span,
                                format!("`{}` has more than two decimal places", field.key),
                            )
                            .hint(format!(
                                "round to the cent: {}",
                                d.round_dp_with_strategy(
                                    2,
                                    rust_decimal::RoundingStrategy::MidpointAwayFromZero
                                )
                            )),
                        );
                        return None;
                    }
                    Ty::Decimal if d.is_sign_negative() && !d.is_zero() => {
                        self.push(
                            Diagnostic::new(
                                Code::OutOfRange,
                                span,
                                format!("`{}` must not be negative", field.key),
                            )
                            .hint(field.doc),
                        );
                        return None;
                    }
                    Ty::Probability if d < Decimal::ZERO || d > Decimal::ONE => {
                        let hint = if d > Decimal::ONE && d <= Decimal::ONE_HUNDRED {
                            format!(
                                "write probabilities as fractions: {} = {}",
                                field.key,
                                (d / Decimal::ONE_HUNDRED).normalize()
                            )
                        } else {
                            "a probability is between 0 and 1".to_string()
                        };
                        self.push(
                            Diagnostic::new(
                                Code::BadProbability,
                                span,
                                format!("`{}` = {d} is outside 0..=1", field.key),
                            )
                            .hint(hint),
                        );
                        return None;
                    }
                    _ => Val::Dec(d),
                }
            }
            Ty::Date => match toml_date(v.get_ref()) {
                Ok(d) => Val::Date(d),
                Err(msg) => {
                    if matches!(v.get_ref(), DeValue::Datetime(_)) {
                        self.push(
                            Diagnostic::new(Code::BadDate, span, format!("`{}`: {msg}", field.key))
                                .hint(format!("write a local date: {} = 2026-11-30", field.key)),
                        );
                    } else if let DeValue::String(s) = v.get_ref()
                        && Date::from_str(s).is_err()
                        && s.chars().filter(|c| *c == '-' || *c == '/').count() >= 2
                    {
                        self.push(
                            Diagnostic::new(
                                Code::BadDate,
                                span,
                                format!("`{}`: \"{s}\" is not a date", field.key),
                            )
                            .hint(format!(
                                "write a local date without quotes: {} = 2026-11-30",
                                field.key
                            )),
                        );
                    } else {
                        self.wrong_type(v, field, None);
                    }
                    return None;
                }
            },
            Ty::TextList | Ty::EnumList(_) => {
                let DeValue::Array(items) = v.get_ref() else {
                    self.wrong_type(v, field, None);
                    return None;
                };
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    let ispan = self.span(item);
                    let DeValue::String(s) = item.get_ref() else {
                        self.push(Diagnostic::new(
                            Code::WrongType,
                            ispan,
                            format!(
                                "`{}` should list strings, found {}",
                                field.key,
                                type_name(item.get_ref())
                            ),
                        ));
                        continue;
                    };
                    if let Ty::EnumList(allowed) = field.ty
                        && !allowed.contains(&s.as_ref())
                    {
                        self.not_allowed(ispan, field.key, s, allowed);
                        continue;
                    }
                    if s.trim().is_empty() {
                        self.push(
                            Diagnostic::new(
                                Code::EmptyValue,
                                ispan,
                                format!("`{}` holds an empty string", field.key),
                            )
                            .hint("remove the empty entry"),
                        );
                        continue;
                    }
                    out.push(Sp::new(s.to_string(), ispan));
                }
                Val::List(out)
            }
            Ty::Table(kind) => {
                let DeValue::Table(t) = v.get_ref() else {
                    self.wrong_type(v, field, Some(format!("write a [{}] table", field.key)));
                    return None;
                };
                Val::Record(Box::new(self.table(t, span, kind, None)))
            }
            Ty::Tables(kind) => {
                let DeValue::Array(items) = v.get_ref() else {
                    self.wrong_type(v, field, None);
                    return None;
                };
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    let ispan = self.span(item);
                    let DeValue::Table(t) = item.get_ref() else {
                        self.push(
                            Diagnostic::new(
                                Code::WrongType,
                                ispan,
                                format!(
                                    "`{}` should hold tables, found {}",
                                    field.key,
                                    type_name(item.get_ref())
                                ),
                            )
                            .hint(format!("write each entry as a [[{}]] table", field.key)),
                        );
                        continue;
                    };
                    out.push(self.table(t, ispan, kind, Some(owner)));
                }
                Val::Records(out)
            }
            Ty::Rates => {
                let DeValue::Table(t) = v.get_ref() else {
                    self.wrong_type(v, field, Some("write a [rates] table: USD = 7.10".into()));
                    return None;
                };
                let mut out = Vec::new();
                for (k, rv) in t.iter() {
                    let kspan = self.span(k);
                    let code: &str = k.get_ref();
                    if !is_currency(code) {
                        self.push(
                            Diagnostic::new(
                                Code::BadCurrency,
                                kspan,
                                format!("\"{code}\" is not an ISO 4217 currency code"),
                            )
                            .hint(currency_hint(code)),
                        );
                        continue;
                    }
                    let rspan = self.span(rv);
                    let rate = match rv.get_ref() {
                        DeValue::Integer(_) | DeValue::Float(_) => exact_decimal(rv.get_ref()),
                        _ => {
                            self.push(Diagnostic::new(
                                Code::WrongType,
                                rspan,
                                format!("rate of {code} should be a number, found {}", type_name(rv.get_ref())),
                            ).hint(format!("{code} = 7.10 means 1 {code} is worth 7.10 of the reporting currency")));
                            continue;
                        }
                    };
                    match rate {
                        Some(r) if r > Decimal::ZERO => out.push((Sp::new(code.to_string(), kspan), Sp::new(r.normalize(), rspan))),
                        _ => self.push(
                            Diagnostic::new(Code::OutOfRange, rspan, format!("rate of {code} must be a positive number"))
                                .hint(format!("{code} = 7.10 means 1 {code} is worth 7.10 of the reporting currency")),
                        ),
                    }
                }
                Val::Rates(out)
            }
        };
        Some(Sp::new(val, span))
    }

    fn string(&mut self, v: &Spanned<DeValue<'_>>, field: &Field) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                let hint = match v.get_ref() {
                    DeValue::Integer(i) if matches!(field.ty, Ty::Text | Ty::Ref | Ty::Id) => Some(
                        format!("put it in quotes: {} = \"{}\"", field.key, i.as_str()),
                    ),
                    _ => None,
                };
                self.wrong_type(v, field, hint);
                None
            }
        }
    }

    fn not_allowed(&mut self, span: Span, key: &str, value: &str, allowed: &[&str]) {
        let hint = match did_you_mean(value, allowed.iter().copied()) {
            Some(c) => format!("did you mean \"{c}\"? allowed: {}", quote_list(allowed)),
            None => format!("allowed: {}", quote_list(allowed)),
        };
        self.push(
            Diagnostic::new(
                Code::NotAllowed,
                span,
                format!("\"{value}\" is not an allowed value of `{key}`"),
            )
            .hint(hint),
        );
    }
}

fn slug_hint(sug: &str) -> String {
    if sug.is_empty() {
        "ids use lowercase ASCII letters, digits, `-` and `_`; put the human name in `name`".into()
    } else {
        format!(
            "ids use lowercase ASCII letters, digits, `-` and `_`, e.g. \"{sug}\"; put the human name in `name`"
        )
    }
}

/// Three ASCII capital letters.
pub fn is_currency(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

fn currency_hint(s: &str) -> String {
    let up = s.trim().to_ascii_uppercase();
    if is_currency(&up) {
        format!("currency codes are three capital letters: \"{up}\"")
    } else {
        "currency codes are three capital letters, e.g. \"CNY\", \"USD\", \"EUR\"".into()
    }
}
