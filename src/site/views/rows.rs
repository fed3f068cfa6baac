//! The rows of a list split into pages, as data: `rows/deals.js`,
//! `rows/accounts.js` and `rows/risks-<signal>.js`, written at build time
//! only for a list longer than one page. When a filter is set on such a
//! list, `app.js` loads its script (a `<script>` element, which works from
//! `file://` where fetching a JSON file does not) and filters every row of
//! every page, so that a drill-down link lands on all the deals behind a
//! figure and the totals row equals it; without a filter, or without
//! JavaScript, each page shows its own rows as built.
//!
//! The script sets `window.dealbookRows[<table id>] = {kind, l, t, r}`:
//! `kind` names the row's shape (`deals`, `accounts`, `risks`), `l` the
//! few labels the rows need in the site's language, `t` the values many
//! rows share (filter keys, links to accounts and people, badges, stages),
//! each written once, and `r` one array per row, in the list's order, that
//! refers to them by position in `t`; a row's filter keys are three
//! positions of shared strings of keys, its page is found from its id
//! (`l.deal_href`, `l.account_href`). Money is in whole cents (exact
//! sums). One row per line: the same input gives the same bytes. The
//! fields of each kind are listed in `docs/site.md`.

use super::cells::{Link, Tag};
use super::query::key;
use super::{Site, paths};
use crate::analytics::Status;
use crate::money::Money;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Where the rows of the list `name` are written, from the site's root.
pub fn path(name: &str) -> String {
    format!("rows/{name}.js")
}

/// The values rows share, each kept once.
#[derive(Default)]
struct Shared {
    ix: HashMap<String, usize>,
    values: Vec<String>,
}

impl Shared {
    /// The position of `v` (serialised) in the shared values.
    fn of(&mut self, v: Value) -> usize {
        let s = v.to_string();
        if let Some(&k) = self.ix.get(&s) {
            return k;
        }
        let k = self.values.len();
        self.ix.insert(s.clone(), k);
        self.values.push(s);
        k
    }

    fn link(&mut self, l: &Link) -> usize {
        self.of(json!([l.text, l.href]))
    }

    fn tag(&mut self, t: &Tag) -> usize {
        self.of(json!([t.code, t.text, t.title]))
    }

    /// The filter keys (`facet:value`, space-separated) as the positions
    /// of three shared strings of keys: the periods (close and created),
    /// the state (category, stage, risks, signal), and who (team, owner,
    /// tier, follow-up). Rows share these far more often than the whole
    /// set, and three positions are shorter than a dozen.
    fn keys(&mut self, keys: &str) -> Vec<usize> {
        let mut groups = [String::new(), String::new(), String::new()];
        for k in keys.split(' ').filter(|k| !k.is_empty()) {
            let facet = k.split(':').next().unwrap_or_default();
            let g = match facet {
                key::PERIOD | key::CREATED => 0,
                key::CAT | key::STAGE | key::RISK | key::SIGNAL => 1,
                _ => 2,
            };
            if !groups[g].is_empty() {
                groups[g].push(' ');
            }
            groups[g].push_str(k);
        }
        groups
            .into_iter()
            .filter(|g| !g.is_empty())
            .map(|g| self.of(Value::from(g)))
            .collect()
    }
}

/// Whole cents of an amount of money.
fn cents(m: Money) -> Value {
    let c = (m.get() * Decimal::ONE_HUNDRED).trunc();
    // Decimal's text is exact; a JSON number of up to 2^53 is too.
    serde_json::from_str(&c.to_string()).unwrap_or(Value::Null)
}

fn write(id: &str, kind: &str, labels: Value, shared: Shared, rows: Vec<Value>) -> Vec<u8> {
    let mut o = Vec::with_capacity(rows.len() * 120 + shared.values.len() * 24 + 1024);
    o.extend_from_slice(b"window.dealbookRows=window.dealbookRows||{};\nwindow.dealbookRows[");
    o.extend_from_slice(Value::from(id).to_string().as_bytes());
    o.extend_from_slice(b"]={\"kind\":");
    o.extend_from_slice(Value::from(kind).to_string().as_bytes());
    o.extend_from_slice(b",\"l\":");
    o.extend_from_slice(labels.to_string().as_bytes());
    o.extend_from_slice(b",\n\"t\":[");
    for (k, v) in shared.values.iter().enumerate() {
        if k > 0 {
            o.push(b',');
        }
        o.extend_from_slice(v.as_bytes());
    }
    o.extend_from_slice(b"],\n\"r\":[\n");
    for (k, r) in rows.iter().enumerate() {
        if k > 0 {
            o.extend_from_slice(b",\n");
        }
        o.extend_from_slice(r.to_string().as_bytes());
    }
    o.extend_from_slice(b"\n]};\n");
    o
}

impl Site<'_> {
    /// The labels rows drawn by `app.js` need.
    fn row_labels(&self) -> Value {
        let i = &self.i;
        json!({
            "none": crate::fmt::NONE,
            "next_step_date": i.get("next_step_date"),
            "at_risk": i.get("at_risk"),
            "commit_at_risk_desc": i.get("commit_at_risk_desc"),
            "close_passed": i.get("close_passed"),
            "days_ago": i.get("days_ago"),
            // Pages from ids: rows hold the id only.
            "deal_href": paths::deal("{id}"),
            "account_href": paths::account("{id}"),
        })
    }

    /// `rows/deals.js`: every row of the deals list (see the module doc).
    pub fn deal_rows(&self) -> Vec<u8> {
        let mut sh = Shared::default();
        let rows = self
            .deal_order
            .iter()
            .map(|&k| {
                let d = self.deal_line(k);
                let open = self.a.deals[k].status == Status::Open;
                json!([
                    d.id,
                    d.link.text,
                    sh.tag(&d.status),
                    sh.link(&d.account),
                    sh.link(&d.owner),
                    sh.of(json!([d.stage, d.stage_ix])),
                    sh.of(json!([
                        d.category.code,
                        d.category.text,
                        d.category.title,
                        u8::from(d.overridden)
                    ])),
                    cents(self.a.deals[k].amount_reporting),
                    d.original,
                    d.probability.s,
                    if open {
                        cents(self.a.deals[k].weighted)
                    } else {
                        Value::Null
                    },
                    // What a closed deal adds to the weighted total.
                    if open {
                        Value::Null
                    } else {
                        cents(self.a.deals[k].weighted)
                    },
                    d.close.v,
                    u8::from(d.late),
                    u8::from(d.flagged),
                    d.risks.iter().map(|t| sh.tag(t)).collect::<Vec<_>>(),
                    d.next_step,
                    d.next_step_date.v,
                    sh.keys(&d.keys),
                ])
            })
            .collect();
        write("deals", "deals", self.row_labels(), sh, rows)
    }

    /// `rows/accounts.js`: every row of the accounts list.
    pub fn account_rows(&self) -> Vec<u8> {
        let mut sh = Shared::default();
        let rows = self
            .account_order
            .iter()
            .map(|&k| {
                let h = &self.a.accounts[k];
                let a = self.account_line(h);
                json!([
                    a.link.text,
                    h.id,
                    sh.tag(&a.tier),
                    a.tier_ix,
                    sh.of(Value::from(a.industry)),
                    sh.link(&a.owner),
                    a.last_touch.v,
                    a.days_since.v,
                    a.due.v,
                    sh.tag(&a.follow_up),
                    a.satisfaction.v,
                    sh.of(Value::from(a.trend)),
                    cents(h.lifetime_won),
                    cents(h.open_pipeline),
                    sh.keys(&a.keys),
                ])
            })
            .collect();
        write("accounts", "accounts", self.row_labels(), sh, rows)
    }

    /// `rows/risks-<code>.js`: every row of the list of the risks of
    /// signal `code`.
    pub fn signal_rows(&self, code: &str) -> Vec<u8> {
        let mut sh = Shared::default();
        let rows = self
            .signals()
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(&[][..], |(_, r)| r.as_slice())
            .iter()
            .map(|&k| {
                let r = &self.a.risks[k];
                let x = self.risk_line(r);
                json!([
                    x.deal.text,
                    self.p.deals[r.deal].id.as_str(),
                    sh.link(&x.account),
                    sh.link(&x.owner),
                    sh.of(Value::from(x.stage)),
                    sh.tag(&x.category),
                    cents(r.amount),
                    x.close.v,
                    x.reason,
                    sh.keys(&x.keys),
                ])
            })
            .collect();
        write("signal-risks", "risks", self.row_labels(), sh, rows)
    }

    /// The path of the rows of the list `name` of `total` rows, when it is
    /// split into pages (a list on one page needs none).
    pub(super) fn rows_of(&self, name: &str, total: usize) -> Option<String> {
        (Site::page_count(total) > 1).then(|| path(name))
    }
}

/// The name of a signal's list of rows (for [`path`]).
pub fn signal_list(code: &str) -> String {
    format!("risks-{code}")
}
