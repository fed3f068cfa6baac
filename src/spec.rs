//! The file format, declared once: every file kind, its fields, their types,
//! whether they are required and what they mean. The reader checks documents
//! against these tables (unknown fields, missing fields, types, allowed
//! values), `dealbook schema` turns them into JSON Schema, and a test keeps
//! `docs/format.md` in step with them. Change the format here and nowhere else.

/// The type of a field's value.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    /// Any non-empty string.
    Text,
    /// A Markdown string (may be empty).
    Markdown,
    /// A string that defines an id: must be a slug.
    Id,
    /// A string that refers to an id defined elsewhere.
    Ref,
    /// An ISO 4217 currency code (three capital letters).
    Currency,
    /// An integer in an inclusive range.
    Int {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
    /// A non-negative amount of money: integer or decimal, at most 2 places.
    Money,
    /// A non-negative exact decimal (rates, target values).
    Decimal,
    /// A probability, a decimal in 0..=1.
    Probability,
    /// A local date, `YYYY-MM-DD`, unquoted.
    Date,
    /// One of a fixed set of strings.
    Enum(&'static [&'static str]),
    /// A list of strings, each from a fixed set.
    EnumList(&'static [&'static str]),
    /// A list of non-empty strings.
    TextList,
    /// A period: `2026`, `2026-Q4` or `2026-11`.
    Period,
    /// A sub-table.
    Table(&'static Kind),
    /// An array of tables (`[[name]]`).
    Tables(&'static Kind),
    /// A table mapping currency codes to decimal rates.
    Rates,
    /// `true` or `false`.
    Bool,
}

/// One field of a table.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The key as written in TOML.
    pub key: &'static str,
    /// The type of its value.
    pub ty: Ty,
    /// Whether the field must be present.
    pub required: bool,
    /// What it means (shown in the schema and in editor tooltips).
    pub doc: &'static str,
}

/// A kind of table (a whole file or a sub-table).
#[derive(Debug)]
pub struct Kind {
    /// Name of the kind, used in schema definitions and messages.
    pub name: &'static str,
    /// What it is.
    pub doc: &'static str,
    /// Its fields, in the order the docs list them.
    pub fields: &'static [Field],
}

impl Kind {
    /// Position of a key among the fields.
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.key == key)
    }

    /// All keys.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + Clone + '_ {
        self.fields.iter().map(|f| f.key)
    }
}

const fn req(key: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        key,
        ty,
        required: true,
        doc,
    }
}

const fn opt(key: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        key,
        ty,
        required: false,
        doc,
    }
}

/// Forecast categories, from least to most certain.
pub const CATEGORIES: &[&str] = crate::model::Category::NAMES;
/// Outcomes of terminal stages.
pub const OUTCOMES: &[&str] = crate::model::Outcome::NAMES;
/// Site label languages.
pub const LOCALES: &[&str] = crate::model::Locale::NAMES;
/// Roles of people in the team and of deal-team members.
pub const PERSON_ROLES: &[&str] = crate::model::Role::NAMES;
/// Account tiers.
pub const TIERS: &[&str] = crate::model::Tier::NAMES;
/// Influence of a contact.
pub const INFLUENCE: &[&str] = crate::model::Influence::NAMES;
/// Kinds of follow-up touches.
pub const TOUCH_KINDS: &[&str] = crate::model::TouchKind::NAMES;
/// Buying roles of stakeholders.
pub const BUYING_ROLES: &[&str] = crate::model::BuyingRole::NAMES;
/// Attitudes of stakeholders, from friendliest to most hostile.
pub const ATTITUDES: &[&str] = crate::model::Attitude::NAMES;
/// Target metrics.
pub const METRICS: &[&str] = crate::model::Metric::NAMES;
/// Days a week can end on, for the weekly snapshots of the history.
pub const WEEKDAYS: &[&str] = crate::model::WeekEnd::NAMES;
/// Deal fields a stage may list in `requires` (exit criteria).
pub const REQUIRABLE: &[&str] = &[
    "pains",
    "decision_process",
    "value_proof",
    "next_step",
    "next_step_date",
    "products",
    "competitors",
    "stakeholder",
    "member",
    "close",
    "notes",
];

/// `[org]` in `dealbook.toml`.
pub static ORG: Kind = Kind {
    name: "org",
    doc: "The organisation, its reporting currency and fiscal calendar.",
    fields: &[
        req(
            "name",
            Ty::Text,
            "Name of the organisation, shown on the site.",
        ),
        req(
            "currency",
            Ty::Currency,
            "Reporting currency (ISO 4217); all money is converted into it.",
        ),
        opt(
            "fiscal_year_start",
            Ty::Int { min: 1, max: 12 },
            "Month (1-12) the fiscal year starts in. Default 1. Fiscal year N starts in calendar year N.",
        ),
        opt(
            "locale",
            Ty::Enum(LOCALES),
            "Language of the site's labels: \"en\" (default) or \"zh-CN\".",
        ),
        opt(
            "as_of",
            Ty::Date,
            "Date the numbers are computed for; today otherwise. `--as-of` overrides it.",
        ),
    ],
};

/// `[[stage]]` in `dealbook.toml`.
pub static STAGE: Kind = Kind {
    name: "stage",
    doc: "A stage of the sales process, in order: open stages first, then outcomes.",
    fields: &[
        req("id", Ty::Id, "Slug that deals use in `stage`."),
        opt("name", Ty::Text, "Human name; the id otherwise."),
        opt(
            "probability",
            Ty::Probability,
            "Default win probability of deals in this stage, 0..=1 (default 0; won stages 1).",
        ),
        opt(
            "category",
            Ty::Enum(CATEGORIES),
            "Default forecast category of deals in this stage (default \"pipeline\").",
        ),
        opt(
            "max_days",
            Ty::Int { min: 1, max: 3650 },
            "A deal longer than this many days in the stage is stale.",
        ),
        opt(
            "requires",
            Ty::EnumList(REQUIRABLE),
            "Exit criteria: deal fields that must be filled for a deal to be in a later stage.",
        ),
        opt(
            "outcome",
            Ty::Enum(OUTCOMES),
            "Marks a terminal stage: \"won\" or \"lost\".",
        ),
    ],
};

/// `[rules.follow_up_days]` in `dealbook.toml`.
pub static FOLLOW_UP: Kind = Kind {
    name: "follow_up_days",
    doc: "Default follow-up cadence in days per account tier.",
    fields: &[
        opt(
            "key",
            Ty::Int { min: 1, max: 3650 },
            "Key accounts (default 30).",
        ),
        opt(
            "growth",
            Ty::Int { min: 1, max: 3650 },
            "Growth accounts (default 60).",
        ),
        opt(
            "standard",
            Ty::Int { min: 1, max: 3650 },
            "Standard accounts (default 90).",
        ),
    ],
};

/// The switches of `[rules.signals]`: one per risk signal, in the order
/// of PRODUCT.md (the order of `analytics::risk::Signal`). The doc of each
/// is the comment `dealbook init` writes beside it.
const SIGNAL_FIELDS: [Field; 12] = [
    opt(
        "overdue_close",
        Ty::Bool,
        "The expected close date has passed.",
    ),
    opt(
        "no_next_step",
        Ty::Bool,
        "No next step, or its date has passed.",
    ),
    opt(
        "stale",
        Ty::Bool,
        "Longer in the current stage than the stage's `max_days`.",
    ),
    opt(
        "slipped",
        Ty::Bool,
        "The expected close moved later twice, or out of its quarter.",
    ),
    opt(
        "no_economic_buyer",
        Ty::Bool,
        "Key-account deal at or past `economic_buyer_by`, no economic buyer.",
    ),
    opt(
        "single_threaded",
        Ty::Bool,
        "Fewer stakeholders than `min_stakeholders`.",
    ),
    opt(
        "opponent",
        Ty::Bool,
        "A stakeholder with high influence is an opponent.",
    ),
    opt(
        "exit_criteria",
        Ty::Bool,
        "A field that an earlier stage `requires` is empty.",
    ),
    opt(
        "competitive_no_proof",
        Ty::Bool,
        "Competitors named, no `value_proof`, at or past `proof_by`.",
    ),
    opt(
        "large_early",
        Ty::Bool,
        "Amount ≥ `large_deal`, in the first half of the open stages, closing this quarter.",
    ),
    opt(
        "no_champion",
        Ty::Bool,
        "At or past `proof_by`, no coach or champion among the stakeholders.",
    ),
    opt(
        "backward",
        Ty::Bool,
        "The history shows a move back to an earlier stage.",
    ),
];

/// The keys of a list of fields, in order (for constants).
const fn keys<const N: usize>(fields: &[Field; N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = fields[i].key;
        i += 1;
    }
    out
}

/// The codes of the risk signals, in the order of PRODUCT.md.
pub const SIGNAL_CODES: [&str; SIGNAL_FIELDS.len()] = keys(&SIGNAL_FIELDS);

/// `[rules.signals]` in `dealbook.toml`.
pub static SIGNALS: Kind = Kind {
    name: "signals",
    doc: "Risk signals on (`true`, the default) or off (`false`). A signal that is off is not computed and shown nowhere: not in the report, the site, the exports, the diff, nor in any count of risks.",
    fields: &SIGNAL_FIELDS,
};

/// `[rules]` in `dealbook.toml`.
pub static RULES: Kind = Kind {
    name: "rules",
    doc: "Thresholds and switches of the risk signals; every one has a default.",
    fields: &[
        opt(
            "min_stakeholders",
            Ty::Int { min: 0, max: 100 },
            "Fewer stakeholders than this makes a deal single-threaded (default 2).",
        ),
        opt(
            "large_deal",
            Ty::Money,
            "Amount (reporting currency) from which a deal is large (default 1000000).",
        ),
        opt(
            "economic_buyer_by",
            Ty::Ref,
            "Stage from which a key-account deal needs an economic buyer (default \"solution\").",
        ),
        opt(
            "proof_by",
            Ty::Ref,
            "Stage from which value proof and a champion are expected (default \"proof\").",
        ),
        opt(
            "decline_pct",
            Ty::Int { min: 1, max: 100 },
            "A product whose quarterly revenue falls by at least this % is flagged (default 20).",
        ),
        opt(
            "follow_up_days",
            Ty::Table(&FOLLOW_UP),
            "Default follow-up cadence per account tier.",
        ),
        opt(
            "signals",
            Ty::Table(&SIGNALS),
            "Each risk signal on or off (all on by default).",
        ),
    ],
};

/// `[[market]]` in `dealbook.toml`.
pub static MARKET: Kind = Kind {
    name: "market",
    doc: "Size of the addressable market in a period, for market share.",
    fields: &[
        req(
            "period",
            Ty::Period,
            "Period: \"2026\", \"2026-Q4\" or \"2026-11\".",
        ),
        req("size", Ty::Money, "Market size in the reporting currency."),
        opt("name", Ty::Text, "What the market is, for display."),
    ],
};

/// `[history]` in `dealbook.toml`.
pub static HISTORY_SETTINGS: Kind = Kind {
    name: "history_settings",
    doc: "`[history]` in dealbook.toml: how `dealbook history` and the site's trends read the pipeline's git history.",
    fields: &[opt(
        "week_ends",
        Ty::Enum(WEEKDAYS),
        "Day the week ends on: the weekly snapshots are taken at the end of it (default \"sunday\", the end of the ISO week).",
    )],
};

/// `dealbook.toml`.
pub static SETTINGS: Kind = Kind {
    name: "settings",
    doc: "dealbook.toml: organisation, currency, fiscal calendar, stages and rules.",
    fields: &[
        req("org", Ty::Table(&ORG), "The organisation."),
        opt(
            "rates",
            Ty::Rates,
            "Fixed conversion rates into the reporting currency, e.g. USD = 7.10.",
        ),
        req(
            "stage",
            Ty::Tables(&STAGE),
            "The stages, earliest first; open stages, then won/lost outcomes.",
        ),
        opt(
            "rules",
            Ty::Table(&RULES),
            "Risk thresholds, and which risk signals are on.",
        ),
        opt("market", Ty::Tables(&MARKET), "Market sizes."),
        opt(
            "history",
            Ty::Table(&HISTORY_SETTINGS),
            "Settings of the history read from git.",
        ),
    ],
};

/// `[[team]]` in `team.toml`.
pub static TEAM: Kind = Kind {
    name: "team",
    doc: "A sales team.",
    fields: &[
        req("id", Ty::Id, "Slug that people and targets use."),
        req("name", Ty::Text, "Human name."),
        opt("manager", Ty::Ref, "Id of the person who manages the team."),
    ],
};

/// `[[person]]` in `team.toml`.
pub static PERSON: Kind = Kind {
    name: "person",
    doc: "A member of the sales organisation.",
    fields: &[
        req("id", Ty::Id, "Slug that deals, accounts and targets use."),
        req("name", Ty::Text, "Human name (any script)."),
        opt("team", Ty::Ref, "Id of the person's team."),
        opt(
            "role",
            Ty::Enum(PERSON_ROLES),
            "sales (default), manager, presales, service or other.",
        ),
        opt("email", Ty::Text, "E-mail address."),
    ],
};

/// `team.toml`.
pub static TEAM_FILE: Kind = Kind {
    name: "team_file",
    doc: "team.toml: people and teams.",
    fields: &[
        opt("team", Ty::Tables(&TEAM), "Teams."),
        opt("person", Ty::Tables(&PERSON), "People."),
    ],
};

/// `[[contact]]` in an account.
pub static CONTACT: Kind = Kind {
    name: "contact",
    doc: "A person at the customer.",
    fields: &[
        req(
            "id",
            Ty::Id,
            "Slug, unique within the account; stakeholders use it.",
        ),
        req("name", Ty::Text, "Human name."),
        opt("title", Ty::Text, "Job title."),
        opt(
            "influence",
            Ty::Enum(INFLUENCE),
            "Influence on decisions: high, medium (default) or low.",
        ),
        opt("email", Ty::Text, "E-mail address."),
        opt("phone", Ty::Text, "Phone number."),
    ],
};

/// `[[touch]]` in an account.
pub static TOUCH: Kind = Kind {
    name: "touch",
    doc: "A follow-up with the customer.",
    fields: &[
        req("date", Ty::Date, "When."),
        req("by", Ty::Ref, "Id of the person who made it."),
        opt(
            "kind",
            Ty::Enum(TOUCH_KINDS),
            "visit, call, email, meeting or other (default).",
        ),
        opt("contact", Ty::Ref, "Id of the contact met."),
        opt("note", Ty::Text, "What happened."),
    ],
};

/// `[[survey]]` in an account.
pub static SURVEY: Kind = Kind {
    name: "survey",
    doc: "A customer-satisfaction score.",
    fields: &[
        req("date", Ty::Date, "When it was taken."),
        req("score", Ty::Int { min: 0, max: 10 }, "Score, 0..=10."),
        opt("contact", Ty::Ref, "Id of the contact who answered."),
        opt("note", Ty::Text, "Comment."),
    ],
};

/// `accounts/**/<id>.toml`.
pub static ACCOUNT: Kind = Kind {
    name: "account",
    doc: "accounts/**/<id>.toml: one customer; its id is the file stem.",
    fields: &[
        req("name", Ty::Text, "Human name of the customer."),
        opt("industry", Ty::Text, "Industry."),
        opt("region", Ty::Text, "Region."),
        opt(
            "tier",
            Ty::Enum(TIERS),
            "key, growth or standard (default).",
        ),
        req("owner", Ty::Ref, "Id of the person who owns the account."),
        opt(
            "follow_up_days",
            Ty::Int { min: 1, max: 3650 },
            "Follow-up cadence in days (default by tier, see [rules.follow_up_days]).",
        ),
        opt("contact", Ty::Tables(&CONTACT), "People at the customer."),
        opt("touch", Ty::Tables(&TOUCH), "Follow-up log."),
        opt("survey", Ty::Tables(&SURVEY), "Satisfaction scores."),
        opt(
            "notes",
            Ty::Markdown,
            "Markdown, rendered on the account page.",
        ),
    ],
};

/// `[[stakeholder]]` in a deal.
pub static STAKEHOLDER: Kind = Kind {
    name: "stakeholder",
    doc: "A buying role in the deal's decision.",
    fields: &[
        req("contact", Ty::Ref, "Id of a contact of the deal's account."),
        req(
            "role",
            Ty::Enum(BUYING_ROLES),
            "economic_buyer, technical_buyer, user_buyer, coach or influencer.",
        ),
        req(
            "attitude",
            Ty::Enum(ATTITUDES),
            "champion, supporter, neutral, skeptic or opponent.",
        ),
        opt("note", Ty::Text, "Comment."),
    ],
};

/// `[[member]]` in a deal.
pub static MEMBER: Kind = Kind {
    name: "member",
    doc: "A member of the cross-department deal team.",
    fields: &[
        req("person", Ty::Ref, "Id of a person."),
        opt(
            "role",
            Ty::Enum(PERSON_ROLES),
            "Their role on the deal (default: their role in team.toml).",
        ),
    ],
};

/// `[[history]]` in a deal.
pub static HISTORY: Kind = Kind {
    name: "history",
    doc: "A stage change, oldest first; the last one equals the deal's `stage`.",
    fields: &[
        req("date", Ty::Date, "When the deal entered the stage."),
        req("stage", Ty::Ref, "The stage it entered."),
        opt("close", Ty::Date, "The expected close at that time."),
        opt("note", Ty::Text, "Comment."),
    ],
};

/// `source` in a deal.
pub static SOURCE: Kind = Kind {
    name: "source",
    doc: "Where an imported deal comes from: `dealbook import` finds the deal again by it, so importing a newer export updates the deal instead of adding another.",
    fields: &[
        req(
            "system",
            Ty::Text,
            "The system it was imported from, e.g. \"salesforce\" (the rules file's `system`).",
        ),
        req(
            "id",
            Ty::Text,
            "Its id in that system (the record id, or the columns the rules file names).",
        ),
    ],
};

/// `deals/**/<id>.toml`.
pub static DEAL: Kind = Kind {
    name: "deal",
    doc: "deals/**/<id>.toml: one opportunity; its id is the file stem.",
    fields: &[
        req("name", Ty::Text, "Human name of the deal."),
        req("account", Ty::Ref, "Id of the account."),
        req("owner", Ty::Ref, "Id of the person who owns the deal."),
        req(
            "amount",
            Ty::Money,
            "Amount, integer or decimal with at most 2 places, in `currency`.",
        ),
        opt(
            "currency",
            Ty::Currency,
            "ISO 4217 code; the reporting currency otherwise.",
        ),
        req("stage", Ty::Ref, "Id of the current stage."),
        req("created", Ty::Date, "When the deal was opened."),
        opt(
            "close",
            Ty::Date,
            "Expected close while open, actual close once won or lost.",
        ),
        opt(
            "probability",
            Ty::Probability,
            "Override of the stage's default probability, 0..=1.",
        ),
        opt(
            "forecast",
            Ty::Enum(CATEGORIES),
            "Override of the stage's forecast category.",
        ),
        opt("products", Ty::TextList, "Products in the deal."),
        opt("competitors", Ty::TextList, "Competitors named."),
        opt("next_step", Ty::Text, "The next agreed step."),
        opt("next_step_date", Ty::Date, "When the next step is due."),
        opt(
            "lost_reason",
            Ty::Text,
            "Why it was lost; required when lost.",
        ),
        opt("pains", Ty::TextList, "Customer pains (needs analysis)."),
        opt("decision_process", Ty::Text, "How the customer decides."),
        opt(
            "value_proof",
            Ty::Text,
            "Evidence of value (POC, reference, ROI).",
        ),
        opt(
            "source",
            Ty::Table(&SOURCE),
            "Where the deal was imported from, written by `dealbook import`: source = { system = \"hubspot\", id = \"1234\" }.",
        ),
        opt(
            "stakeholder",
            Ty::Tables(&STAKEHOLDER),
            "Buying roles in this decision.",
        ),
        opt("member", Ty::Tables(&MEMBER), "The deal team."),
        opt(
            "history",
            Ty::Tables(&HISTORY),
            "Stage changes, oldest first.",
        ),
        opt(
            "notes",
            Ty::Markdown,
            "Markdown, rendered on the deal page.",
        ),
    ],
};

/// `[[target]]` in `targets/**/*.toml`.
pub static TARGET: Kind = Kind {
    name: "target",
    doc: "A quantified target for a period and a scope.",
    fields: &[
        req(
            "period",
            Ty::Period,
            "\"2026\", \"2026-Q4\" or \"2026-11\", fiscal calendar.",
        ),
        opt(
            "person",
            Ty::Ref,
            "Id of a person (or `team`; neither = organisation).",
        ),
        opt("team", Ty::Ref, "Id of a team."),
        opt(
            "metric",
            Ty::Enum(METRICS),
            "revenue (default), new_accounts, win_rate, satisfaction, market_share or pipeline_created.",
        ),
        req(
            "value",
            Ty::Decimal,
            "The target. Money in the reporting currency; rates as 0..=1; satisfaction 0..=10.",
        ),
        opt("stretch", Ty::Decimal, "Optional second, higher tier."),
    ],
};

/// `targets/**/*.toml`.
pub static TARGETS_FILE: Kind = Kind {
    name: "targets_file",
    doc: "targets/**/*.toml: any number of [[target]] entries.",
    fields: &[opt("target", Ty::Tables(&TARGET), "Targets.")],
};

/// The kinds of whole files, with the file name pattern each applies to.
pub static FILE_KINDS: &[(&str, &Kind)] = &[
    ("dealbook.toml", &SETTINGS),
    ("team.toml", &TEAM_FILE),
    ("accounts/**/<id>.toml", &ACCOUNT),
    ("deals/**/<id>.toml", &DEAL),
    ("targets/**/*.toml", &TARGETS_FILE),
];

fn type_name(ty: &Ty, key: &str) -> String {
    let list = |v: &[&str]| {
        v.iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match ty {
        Ty::Text => "text".into(),
        Ty::Markdown => "Markdown text (≤ 65,536 characters, nested ≤ 32 deep)".into(),
        Ty::Id => "id (slug)".into(),
        Ty::Ref => "id of another entry".into(),
        Ty::Currency => "currency code".into(),
        Ty::Int { min, max } => format!("integer {min}..={max}"),
        Ty::Money => "money (0 to 10^15, ≤ 2 decimals)".into(),
        Ty::Decimal => "number, 0 to 10^15".into(),
        Ty::Probability => "number 0..=1".into(),
        Ty::Date => "date (years 1900 to 2999)".into(),
        Ty::Enum(v) => format!("one of {}", list(v)),
        Ty::EnumList(v) => format!("list of {}", list(v)),
        Ty::TextList => "list of text".into(),
        Ty::Period => "period (years 1900 to 2999)".into(),
        Ty::Table(_) => format!("table `[{key}]`"),
        Ty::Tables(_) => format!("tables `[[{key}]]`"),
        Ty::Rates => "table of currency = rate (above 0, at most 10^5)".into(),
        Ty::Bool => "`true` or `false`".into(),
    }
}

fn kind_markdown(k: &Kind, heading: &str, out: &mut String, seen: &mut Vec<&'static str>) {
    if seen.contains(&k.name) {
        return;
    }
    seen.push(k.name);
    out.push_str(&format!("{heading} `{}`\n\n{}\n\n", k.name, k.doc));
    out.push_str("| Field | Type | Required | Meaning |\n|---|---|---|---|\n");
    for f in k.fields {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            f.key,
            type_name(&f.ty, f.key),
            if f.required { "yes" } else { "no" },
            f.doc.replace('|', "\\|")
        ));
    }
    out.push('\n');
    for f in k.fields {
        if let Ty::Table(sub) | Ty::Tables(sub) = f.ty {
            kind_markdown(sub, "####", out, seen);
        }
    }
}

/// The field reference of every file kind, as Markdown (kept verbatim in
/// `docs/format.md` between generated markers; a test compares them).
pub fn reference_markdown() -> String {
    let mut out = String::new();
    let mut seen = Vec::new();
    for (pattern, k) in FILE_KINDS {
        out.push_str(&format!("### `{pattern}`\n\n"));
        kind_markdown(k, "####", &mut out, &mut seen);
    }
    out
}
