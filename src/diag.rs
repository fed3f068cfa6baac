//! Diagnostics: problems in the user's data, as values. Each has a stable
//! code from the catalogue below (documented in `docs/errors.md`), a message,
//! a span into a source file and an optional hint. Nothing in the loader or
//! the checker stops at the first problem; they all push into a
//! [`Diagnostics`] list.

use crate::source::{SourceMap, Span};
use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The pipeline is invalid: `check` exits 1 and `build` refuses.
    Error,
    /// Odd but legal: reported, exit 0 unless `--deny-warnings`.
    Warning,
    /// Advice about the settings: reported, never changes the exit status
    /// (not even with `--deny-warnings`).
    Note,
}

impl Severity {
    /// "error", "warning" or "note".
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

macro_rules! catalogue {
    ($($variant:ident = $code:literal, $title:literal;)*) => {
        /// The stable codes of all diagnostics. `E…` are errors, `W…`
        /// warnings, `N…` notes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = $title]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as written in output, e.g. `E012`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// A short title of what the code means.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }
        }
    };
}

catalogue! {
    CannotRead = "E001", "file cannot be read";
    NotUtf8 = "E002", "file is not valid UTF-8";
    TooLarge = "E003", "file is too large";
    NotAFile = "E004", "path ending in .toml is not a regular file";
    Syntax = "E005", "TOML syntax error";
    MissingFile = "E006", "required file is missing";
    EmptyFile = "E007", "file is empty";
    UnknownField = "E010", "unknown field";
    MissingField = "E011", "required field is missing";
    WrongType = "E012", "value has the wrong type";
    NotAllowed = "E013", "value is not one of the allowed values";
    BadDate = "E014", "invalid date";
    BadId = "E015", "id is not a slug";
    DuplicateId = "E016", "duplicate id";
    EmptyValue = "E017", "required text is empty";
    NoteTooLarge = "E018", "Markdown note too long or too deeply nested";
    NegativeAmount = "E020", "amount is negative";
    TooPrecise = "E021", "amount has more than two decimal places";
    BadProbability = "E022", "probability outside 0..=1";
    OutOfRange = "E023", "number out of range";
    TargetOutOfRange = "E024", "target value outside its metric's range";
    UnknownAccount = "E030", "unknown account";
    UnknownPerson = "E031", "unknown person";
    UnknownTeam = "E032", "unknown team";
    UnknownContact = "E033", "unknown contact";
    UnknownStage = "E034", "unknown stage";
    UnknownCurrency = "E035", "currency without a conversion rate";
    BadCurrency = "E036", "not an ISO 4217 currency code";
    HistoryOrder = "E040", "history out of date order";
    HistoryFuture = "E041", "history entry in the future";
    HistoryEnd = "E042", "history does not end at the current stage";
    ClosedWithoutClose = "E043", "won or lost deal without `close`";
    LostWithoutReason = "E044", "lost deal without `lost_reason`";
    ClosedAfterAsOf = "E045", "won or lost deal closed after as_of";
    BadPeriod = "E050", "malformed period";
    BadScope = "E051", "target scope names both a person and a team";
    DuplicateTarget = "E052", "duplicate target";
    DuplicateMarket = "E053", "duplicate market period";
    StagesIncomplete = "E060", "stage list has no open stage or no won stage";
    StageOrder = "E061", "open stage listed after an outcome stage";
    UnknownSignal = "E062", "unknown risk signal";
    ExitCriteria = "W001", "open deal past a stage whose exit criteria are empty";
    IgnoredFile = "W002", "file is not part of the pipeline layout";
    SkippedLink = "W003", "symbolic link skipped";
    NoCloseDate = "W004", "open deal without an expected close date";
    CreatedAfterClose = "W005", "deal created after its close date";
    FutureEntry = "W006", "touch or survey dated after as_of";
    StretchBelowValue = "W007", "stretch target below the target";
    OwnCurrencyRate = "W008", "rate given for the reporting currency";
    RuleStageMissing = "W009", "risk rule names no existing stage";
    ProbabilityOrder = "W010", "stage probabilities decrease";
    DuplicateStakeholder = "W011", "contact listed twice as a stakeholder";
    IgnoredStageField = "W012", "field has no effect on an outcome stage";
    NoisySignal = "N001", "risk signal fires on most open deals";
}

impl Code {
    /// Errors start with `E`, warnings with `W`, notes with `N`.
    pub fn severity(self) -> Severity {
        match self.as_str().as_bytes()[0] {
            b'E' => Severity::Error,
            b'W' => Severity::Warning,
            _ => Severity::Note,
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in the pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Which rule fired.
    pub code: Code,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where (every diagnostic points into a file of the [`SourceMap`]).
    pub span: Span,
    /// A short label under the marker in the snippet.
    pub label: Option<String>,
    /// Another place the problem involves (the first of two duplicates);
    /// `{at}` in the hint stands for its `file:line:col`.
    pub related: Option<Span>,
    /// How to fix it, when that can be said.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic without hint or label.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            span,
            label: None,
            hint: None,
            related: None,
        }
    }

    /// Names another place the problem involves; the hint refers to it
    /// as `{at}`.
    pub fn related(mut self, span: Span) -> Diagnostic {
        self.related = Some(span);
        self
    }

    /// The hint with `{at}` replaced by the related place's
    /// `file:line:col`. Positions are worked out only here, when the
    /// diagnostic is shown, so sources need their text only then.
    pub fn hint_text(&self, sources: &SourceMap) -> Option<String> {
        let hint = self.hint.as_ref()?;
        match self.related {
            Some(r) if hint.contains("{at}") => {
                let f = sources.get(r.file);
                let (l, c) = f.line_col(r.start as usize);
                Some(hint.replace("{at}", &format!("{}:{l}:{c}", f.rel_path)))
            }
            _ => Some(hint.clone()),
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a hint when there is one.
    pub fn maybe_hint(mut self, hint: Option<String>) -> Diagnostic {
        self.hint = hint;
        self
    }

    /// Adds a label shown under the marker.
    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// The severity of the code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// A growing list of diagnostics.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds all of another list.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// Shorthand for `push(Diagnostic::new(..))`, returning it for hints.
    pub fn add(&mut self, code: Code, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.items.push(Diagnostic::new(code, span, message));
        self.items.last_mut().expect("just pushed")
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity() == Severity::Warning)
            .count()
    }

    /// True when there is at least one error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity() == Severity::Error)
    }

    /// All diagnostics.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorts by file path, then position, then code, so output is stable
    /// whatever order the parallel loader produced.
    pub fn sort(&mut self, sources: &SourceMap) {
        self.items.sort_by(|a, b| {
            let pa = &sources.get(a.span.file).rel_path;
            let pb = &sources.get(b.span.file).rel_path;
            pa.cmp(pb)
                .then(a.span.start.cmp(&b.span.start))
                .then(a.code.cmp(&b.code))
                .then(a.message.cmp(&b.message))
        });
        self.items.dedup();
    }

    /// Consumes the list.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// "did you mean" for a misspelt name: the closest candidate, if close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(word, c);
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// A hint for an unknown name: did-you-mean when one is close, otherwise the
/// list of known names when it is short.
pub fn suggest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<String> {
    if let Some(c) = did_you_mean(word, candidates.clone()) {
        return Some(format!("did you mean \"{c}\"?"));
    }
    let all: Vec<&str> = candidates.into_iter().collect();
    if !all.is_empty() && all.len() <= 12 {
        Some(format!("known: {}", quote_list(&all)))
    } else {
        None
    }
}

/// The ids of the items (`(id, display name)`) whose name is `written`:
/// exactly, else ignoring case and surrounding spaces. For a display name
/// written where an id belongs (`owner = "张敏"`, `--person 李娜`).
pub fn ids_named<'a>(
    written: &str,
    items: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
) -> Vec<&'a str> {
    let exact: Vec<&str> = items
        .clone()
        .into_iter()
        .filter(|(id, name)| *name == written && *id != written)
        .map(|(id, _)| id)
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    let w = written.trim().to_lowercase();
    items
        .into_iter()
        .filter(|(id, name)| name.trim().to_lowercase() == w && *id != written)
        .map(|(id, _)| id)
        .collect()
}

/// The hint for a display name written where the id of a `kind` belongs
/// (`key = "…"` in a file): which id has that name. None when no item has
/// it.
pub fn name_hint<'a>(
    kind: &str,
    written: &str,
    key: &str,
    items: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
) -> Option<String> {
    match ids_named(written, items).as_slice() {
        [] => None,
        [id] => Some(format!(
            "\"{written}\" is the name of {kind} \"{id}\": write {key} = \"{id}\""
        )),
        ids => Some(format!(
            "\"{written}\" is the name of {} {kind}s, {}: write the id of the one you mean",
            ids.len(),
            quote_list(ids)
        )),
    }
}

/// `"a", "b", "c"`.
pub fn quote_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert_eq!(s.len(), 4);
            assert!(s.starts_with('E') || s.starts_with('W') || s.starts_with('N'));
        }
    }

    #[test]
    fn display_names_point_at_ids() {
        let people = [
            ("zhang-min", "张敏"),
            ("li-na", "李娜"),
            ("li-na-2", "李娜"),
        ];
        assert_eq!(ids_named("张敏", people), ["zhang-min"]);
        assert_eq!(ids_named(" 张敏 ", people), ["zhang-min"]);
        assert_eq!(ids_named("李娜", people), ["li-na", "li-na-2"]);
        assert!(ids_named("王芳", people).is_empty());
        assert_eq!(
            name_hint("person", "张敏", "owner", people).as_deref(),
            Some("\"张敏\" is the name of person \"zhang-min\": write owner = \"zhang-min\"")
        );
        let teams = [("sales", "Sales")];
        assert_eq!(ids_named("SALES", teams), ["sales"]);
    }

    #[test]
    fn did_you_mean_finds_typos() {
        let stages = ["qualify", "negotiation", "won"];
        assert_eq!(did_you_mean("negotation", stages), Some("negotiation"));
        assert_eq!(did_you_mean("zzz", stages), None);
    }
}
