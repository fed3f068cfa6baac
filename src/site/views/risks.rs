//! `risks.html` and `risks/<code>.html`: risks grouped by signal and owner,
//! with a note at the top on a signal that fires on most open deals.

use super::DealRisk;
use super::cells::{Link, Num, Pager, Tag, Totals, num_count, num_money, on_page};
use super::lines::{DealLine, RiskLine};
use super::query::{Filters, Query, key};
use super::{LIST_PAGE_ROWS, Site, paths, rows};
use crate::analytics::Status;
use crate::analytics::risk::{self, CODES, Risk};
use crate::ix::DealIx;
use crate::model::Category;
use crate::money::Money;
use serde::Serialize;
use std::collections::BTreeMap;

/// `risks.html`.
#[derive(Debug, Serialize)]
pub struct RisksView {
    /// Risks in all.
    pub total: usize,
    /// Deals with at least one.
    pub deals: usize,
    /// Their amount.
    pub amount: String,
    /// The deals at risk, by forecast impact ([`Site::impact_order`]): at
    /// most [`LIST_PAGE_ROWS`].
    pub rows: Vec<AtRisk>,
    /// "Showing the 1,000 with the most impact of 1,234." when cut.
    pub note: String,
    /// The drop-downs above them.
    pub filters: Filters,
    /// Their footer.
    pub totals: Totals,
    /// One group per signal that fires.
    pub signals: Vec<SignalGroup>,
    /// One row per owner.
    pub owners: Vec<OwnerGroup>,
    /// The signals that fire on most open deals ([`risk::noisy`]).
    pub noise: Vec<NoiseNote>,
}

/// A deal at risk on the risks page.
#[derive(Debug, Serialize)]
pub struct AtRisk {
    /// The deal.
    pub deal: DealLine,
    /// Its signals, each with its reason.
    pub reasons: Vec<DealRisk>,
}

/// A signal that fires on most open deals, and how to switch it off.
#[derive(Debug, Serialize)]
pub struct NoiseNote {
    /// The signal.
    pub signal: Tag,
    /// What it fires on, and why that matters, in the site's language.
    pub text: String,
    /// The line to add under `[rules.signals]`: `no_next_step = false`.
    pub line: String,
}

/// Risks of one signal.
#[derive(Debug, Serialize)]
pub struct SignalGroup {
    /// The signal.
    pub signal: Tag,
    /// Count.
    pub count: Num,
    /// Amount of the deals.
    pub amount: Num,
    /// Its own page (every risk of the signal with its reason).
    pub href: String,
    /// The list of the deals it fires on.
    pub deals_href: String,
}

/// Risks of one owner.
#[derive(Debug, Serialize)]
pub struct OwnerGroup {
    /// The owner.
    pub owner: Link,
    /// Risks.
    pub count: Num,
    /// Deals at risk.
    pub deals: Num,
    /// Their amount.
    pub amount: Num,
    /// Most frequent signal.
    pub top: Tag,
    /// The list of their deals at risk.
    pub href: String,
}

/// `risks/<code>.html`.
#[derive(Debug, Serialize)]
pub struct SignalView {
    /// The signal.
    pub signal: Tag,
    /// The rows of this page.
    pub rows: Vec<RiskLine>,
    /// Links to the other pages, when split.
    pub pager: Option<Pager>,
    /// Count.
    pub total: usize,
    /// The drop-downs above the list.
    pub filters: Filters,
}

impl Site<'_> {
    /// How many deals `risks` are on, and their amount.
    fn deals_at_risk<'r>(&self, risks: impl Iterator<Item = &'r Risk>) -> (usize, Money) {
        let mut deals: Vec<DealIx> = risks.map(|r| r.deal).collect();
        deals.sort_unstable();
        deals.dedup();
        let amount = deals
            .iter()
            .filter_map(|&d| self.row_of(d))
            .map(|k| self.a.deals[k].amount_reporting)
            .sum();
        (deals.len(), amount)
    }

    /// The signals that fire, with their risk indices in list order
    /// (found once per build, in [`Site::new`]).
    pub fn signals(&self) -> &[(&'static str, Vec<usize>)] {
        &self.signals
    }

    /// The risks page.
    pub fn risks_page(&self) -> RisksView {
        let (a, fm) = (self.a, &self.fm);
        let signals = self
            .signals()
            .iter()
            .map(|&(code, ref rows)| {
                let amount: Money = rows.iter().map(|&k| a.risks[k].amount).sum();
                let n = rows.len();
                SignalGroup {
                    signal: self.signal_tag(code),
                    count: num_count(fm, n),
                    amount: num_money(fm, amount),
                    href: paths::signal(code, 1),
                    deals_href: self.deals_href(&Query::new().and(key::RISK, code)),
                }
            })
            .collect();
        let mut by_owner: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (k, r) in a.risks.iter().enumerate() {
            let owner = self.p.deals[r.deal].refs.owner;
            by_owner
                .entry(owner.map_or("", |o| self.p.people[o].id.value.as_str()))
                .or_default()
                .push(k);
        }
        // Most risks first (counted before they are formatted), then by name.
        let mut owners: Vec<(usize, OwnerGroup)> = by_owner
            .into_iter()
            .map(|(o, ks)| {
                let (deals, amount) = self.deals_at_risk(ks.iter().map(|&k| &a.risks[k]));
                let mut freq: BTreeMap<usize, usize> = BTreeMap::new();
                for &k in &ks {
                    *freq.entry(a.risks[k].signal.index()).or_default() += 1;
                }
                let top = freq
                    .iter()
                    .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                    .map(|(c, _)| CODES[*c])
                    .unwrap_or(CODES[0]);
                let group = OwnerGroup {
                    href: self.deals_href(
                        &Query::new()
                            .and(key::OWNER, if o.is_empty() { "-" } else { o })
                            .and(key::RISK, "any"),
                    ),
                    owner: if o.is_empty() {
                        Link::text(crate::fmt::NONE)
                    } else {
                        let mut l = self.person_link(o);
                        if let Some(h) = &mut l.href {
                            h.push_str("#risks");
                        }
                        l
                    },
                    count: num_count(fm, ks.len()),
                    deals: num_count(fm, deals),
                    amount: num_money(fm, amount),
                    top: self.signal_tag(top),
                };
                (ks.len(), group)
            })
            .collect();
        owners.sort_by(|(nx, x), (ny, y)| ny.cmp(nx).then_with(|| x.owner.text.cmp(&y.owner.text)));
        let (deals, amount) = self.deals_at_risk(a.risks.iter());
        let order = self.impact_order();
        let shown = &order[..order.len().min(LIST_PAGE_ROWS)];
        RisksView {
            total: a.risks.len(),
            deals,
            amount: fm.money(amount),
            rows: shown
                .iter()
                .map(|&k| AtRisk {
                    deal: self.deal_line(k),
                    reasons: self.deal_risks(a.deals[k].deal),
                })
                .collect(),
            note: self.cut_note("show_most_impact", shown.len(), order.len()),
            filters: self.filters("at-risk", self.deal_facets().to_vec(), true),
            totals: self.deal_totals(shown),
            signals,
            owners: owners.into_iter().map(|(_, g)| g).collect(),
            noise: self.noise_notes(),
        }
    }

    /// The deals at risk (rows of the analytics' deals) by their impact on
    /// the forecast: those closing by the end of this quarter first (their
    /// commit, then best case, then pipeline), then the later ones in the
    /// same order; the largest first within each.
    pub fn impact_order(&self) -> Vec<usize> {
        let a = self.a;
        let (_, quarter_end) = self.cal.range(a.current.quarter);
        let mut v: Vec<usize> = (0..a.deals.len())
            .filter(|&k| !a.deals[k].risks.is_empty())
            .collect();
        v.sort_by_cached_key(|&k| {
            let d = &a.deals[k];
            let later = d.close.is_none_or(|c| c > quarter_end);
            let cat = match d.category {
                Category::Commit => 0,
                Category::BestCase => 1,
                Category::Pipeline => 2,
            };
            (later, cat, std::cmp::Reverse(d.amount_reporting), d.deal)
        });
        v
    }

    /// The notes on signals that fire on most open deals: the same
    /// figures as the notes of `dealbook check`.
    fn noise_notes(&self) -> Vec<NoiseNote> {
        let open = self.deals_by_status[usize::from(super::status_order(Status::Open))];
        risk::noisy(&self.a.risks, open)
            .into_iter()
            .map(|n| {
                let signal = self.signal_tag(n.code);
                NoiseNote {
                    text: self.i.fill(
                        "risk_noise",
                        &[
                            ("signal", &signal.text),
                            ("n", &self.fm.count(n.deals)),
                            ("open", &self.fm.count(n.open)),
                            ("pct", &self.fm.percent(n.share())),
                        ],
                    ),
                    line: format!("{} = false", n.code),
                    signal,
                }
            })
            .collect()
    }

    /// Page `n` of one signal's risks.
    pub fn signal_page(&self, code: &str, rows: &[usize], n: usize) -> SignalView {
        SignalView {
            signal: self.signal_tag(code),
            rows: on_page(rows.iter(), n)
                .map(|&k| self.risk_line(&self.a.risks[k]))
                .collect(),
            pager: self.pager(n, rows.len(), |k| paths::signal(code, k)),
            total: rows.len(),
            filters: self
                .filters("signal-risks", self.risk_facets(), true)
                .with_rows(self.rows_of(&rows::signal_list(code), rows.len())),
        }
    }
}
