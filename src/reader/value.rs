//! The checks of one value against its field's type (string, id, currency,
//! enum, period, number, money, date, lists, tables, rates), each problem
//! pushed as a diagnostic; split from the table walk because it is most of
//! the reader.

use super::Reader;
use super::record::Val;
use super::text::{
    currency_hint, exact_decimal, expected_name, is_currency, number_in_text, rate_hint, slug_hint,
    toml_date, type_name,
};
use crate::diag::{Code, Diagnostic, did_you_mean, quote_list};
use crate::ids::{is_slug, slugify};
use crate::limits;
use crate::period::Period;
use crate::source::{Sp, Span};
use crate::spec::{Field, Kind, Ty};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::str::FromStr;
use toml::Spanned;
use toml::de::DeValue;

impl Reader<'_> {
    fn wrong_type(&mut self, v: &Spanned<DeValue<'_>>, field: &Field, hint: Option<String>) {
        let span = self.span(v);
        let found = type_name(v.get_ref());
        let hint = hint.or_else(|| match (field.ty, v.get_ref()) {
            (Ty::Date, DeValue::String(s)) if Date::from_str(s).is_ok() => {
                Some(format!("write dates without quotes: {} = {s}", field.key))
            }
            (Ty::Money | Ty::Decimal | Ty::Probability | Ty::Int { .. }, DeValue::String(s)) => {
                Some(
                    match number_in_text(s, matches!(field.ty, Ty::Probability)) {
                        Some(n) => format!(
                            "write the number, without quotes, symbol or commas: {} = {n}",
                            field.key
                        ),
                        None => format!(
                            "write numbers without quotes, e.g. {} = 1_200_000",
                            field.key
                        ),
                    },
                )
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

    /// Reports a currency code that is not three capital letters.
    fn bad_currency(&mut self, span: Span, code: &str) {
        self.push(
            Diagnostic::new(
                Code::BadCurrency,
                span,
                format!("\"{code}\" is not an ISO 4217 currency code"),
            )
            .hint(currency_hint(code)),
        );
    }

    /// Reports a number outside what `field` allows; the field's doc is the
    /// hint.
    fn out_of_range(&mut self, span: Span, field: &Field, message: String) {
        self.push(Diagnostic::new(Code::OutOfRange, span, message).hint(field.doc));
    }

    pub(super) fn value(
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
            Ty::Markdown => {
                let s = self.string(v, field)?;
                self.note_limits(span, field, &s);
                Val::Str(s)
            }
            Ty::Id => {
                let s = self.string(v, field)?;
                if !is_slug(&s) {
                    let sug = slugify(&s);
                    let mut hint = slug_hint(&sug);
                    if let Some(l) = crate::ids::lookalikes(&s) {
                        hint.push_str(&format!(" ({l})"));
                    }
                    self.push(
                        Diagnostic::new(Code::BadId, span, format!("id \"{s}\" is not a slug"))
                            .hint(hint),
                    );
                    // Kept as written: the entry still exists, and references
                    // spelling the same id must not cascade into "unknown id".
                }
                Val::Str(s)
            }
            Ty::Currency => {
                let s = self.string(v, field)?;
                if !is_currency(&s) {
                    self.bad_currency(span, &s);
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
                    None if Period::parse_any_year(&s).is_some() => {
                        self.push(
                            Diagnostic::new(
                                Code::BadPeriod,
                                span,
                                format!("\"{s}\" is outside the years dealbook handles"),
                            )
                            .hint(limits::years_text()),
                        );
                        return None;
                    }
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
                        self.out_of_range(
                            span,
                            field,
                            format!("`{}` must be between {min} and {max}", field.key),
                        );
                        return None;
                    }
                }
            }
            Ty::Money | Ty::Decimal | Ty::Probability => self.number(v, field, span)?,
            Ty::Date => match toml_date(v.get_ref()) {
                Ok(d) if !limits::year_ok(d.year()) => {
                    self.push(
                        Diagnostic::new(
                            Code::BadDate,
                            span,
                            format!("`{}`: {d} is outside the years dealbook handles", field.key),
                        )
                        .hint(limits::years_text()),
                    );
                    return None;
                }
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
            Ty::Bool => match v.get_ref() {
                DeValue::Boolean(b) => Val::Bool(*b),
                other => {
                    let hint = match other {
                        DeValue::String(s) if matches!(s.as_ref(), "true" | "false") => {
                            format!("write it without quotes: {} = {s}", field.key)
                        }
                        _ => format!("write {0} = true or {0} = false", field.key),
                    };
                    self.wrong_type(v, field, Some(hint));
                    return None;
                }
            },
            Ty::Rates => self.rates(v, field)?,
        };
        Some(Sp::new(val, span))
    }

    /// A money, decimal or probability field: an exact decimal, in range
    /// for its type (never negative money, at most cents, at most
    /// [`limits::MAX_AMOUNT`], a probability in 0..=1).
    fn number(&mut self, v: &Spanned<DeValue<'_>>, field: &Field, span: Span) -> Option<Val> {
        if !matches!(v.get_ref(), DeValue::Integer(_) | DeValue::Float(_)) {
            self.wrong_type(v, field, None);
            return None;
        }
        let Some(d) = exact_decimal(v.get_ref()) else {
            self.out_of_range(
                span,
                field,
                format!("`{}` is not a finite number in range", field.key),
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
                None
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
                None
            }
            Ty::Money | Ty::Decimal if d > limits::MAX_AMOUNT => {
                self.push(
                    Diagnostic::new(
                        Code::OutOfRange,
                        span,
                        format!(
                            "`{}` = {} is above the maximum of {}",
                            field.key,
                            crate::fmt::group(d),
                            crate::fmt::group(limits::MAX_AMOUNT)
                        ),
                    )
                    .hint("amounts, market sizes, targets and thresholds are at most 10^15 in any currency; look for extra digits or a misplaced exponent"),
                );
                None
            }
            Ty::Decimal if d.is_sign_negative() && !d.is_zero() => {
                self.out_of_range(span, field, format!("`{}` must not be negative", field.key));
                None
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
                None
            }
            _ => Some(Val::Dec(d)),
        }
    }

    /// The `[rates]` table: each key a currency code, each value a positive
    /// number below [`limits::MAX_RATE`]; a bad entry is reported and left
    /// out, the others kept.
    fn rates(&mut self, v: &Spanned<DeValue<'_>>, field: &Field) -> Option<Val> {
        let DeValue::Table(t) = v.get_ref() else {
            self.wrong_type(v, field, Some("write a [rates] table: USD = 7.10".into()));
            return None;
        };
        let mut out = Vec::new();
        for (k, rv) in t.iter() {
            let kspan = self.span(k);
            let code: &str = k.get_ref();
            if !is_currency(code) {
                self.bad_currency(kspan, code);
                continue;
            }
            let rspan = self.span(rv);
            let rate = match rv.get_ref() {
                DeValue::Integer(_) | DeValue::Float(_) => exact_decimal(rv.get_ref()),
                _ => {
                    self.push(
                        Diagnostic::new(
                            Code::WrongType,
                            rspan,
                            format!(
                                "rate of {code} should be a number, found {}",
                                type_name(rv.get_ref())
                            ),
                        )
                        .hint(rate_hint(code)),
                    );
                    continue;
                }
            };
            match rate {
                Some(r) if r > limits::MAX_RATE => self.push(
                    Diagnostic::new(
                        Code::OutOfRange,
                        rspan,
                        format!(
                            "rate of {code} = {} is above the maximum of {}",
                            crate::fmt::group(r.normalize()),
                            crate::fmt::group(limits::MAX_RATE)
                        ),
                    )
                    .hint(format!(
                        "{}; is it written the wrong way round?",
                        rate_hint(code)
                    )),
                ),
                Some(r) if r > Decimal::ZERO => out.push((
                    Sp::new(code.to_string(), kspan),
                    Sp::new(r.normalize(), rspan),
                )),
                _ => self.push(
                    Diagnostic::new(
                        Code::OutOfRange,
                        rspan,
                        format!("rate of {code} must be a positive number"),
                    )
                    .hint(rate_hint(code)),
                ),
            }
        }
        Some(Val::Rates(out))
    }

    /// Reports a Markdown note that is too long or too deeply nested to
    /// render in linear time (see [`limits`]).
    fn note_limits(&mut self, span: Span, field: &Field, note: &str) {
        let chars = note.chars().count();
        let message = if chars > limits::MAX_NOTE_CHARS {
            format!(
                "`{}` holds {} characters, more than the {} a note may hold",
                field.key,
                crate::fmt::group(Decimal::from(chars)),
                crate::fmt::group(Decimal::from(limits::MAX_NOTE_CHARS))
            )
        } else {
            let depth = crate::site::markdown::depth(note);
            if depth <= limits::MAX_NOTE_DEPTH {
                return;
            }
            format!(
                "`{}` nests {depth} levels deep (quotes, lists, emphasis, HTML), more than the {} a note may",
                field.key,
                limits::MAX_NOTE_DEPTH
            )
        };
        // Marked at its opening quote: the whole note would be a snippet
        // of thousands of lines.
        let at = Span {
            end: span.start.saturating_add(1).min(span.end),
            ..span
        };
        self.push(Diagnostic::new(Code::NoteTooLarge, at, message).hint(format!(
            "keep a note under {} characters and {} levels of nesting; long documents belong in a linked page",
            crate::fmt::group(Decimal::from(limits::MAX_NOTE_CHARS)),
            limits::MAX_NOTE_DEPTH
        )));
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
