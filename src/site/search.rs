//! The site's search index, `search-index.js`: every deal, account,
//! contact, person and team by id and name, written at build time as a
//! script (`window.dealbookSearch = {k, r}`) so that `app.js` can load it
//! with a `<script>` element, which works from `file://` where fetching a
//! JSON file does not. It is loaded the first time the search box is used.
//!
//! `k` holds the kinds' labels in the site's language; each row of `r` is
//! `[kind, id, name]`, and for deals and contacts also the position in `r`
//! of their account (accounts come first, so it is the account's position
//! in the pipeline; `null` when the account does not resolve). Kinds: 0
//! deal, 1 account, 2 contact, 3 person, 4 team. Pages are found from the
//! kind and id (`deals/<id>.html`; a contact's is its account's page). One
//! row per line, in the pipeline's order: the same input gives the same
//! bytes.

use super::views::Site;
use crate::ix::{AccountIx, enumerate};
use std::io::Write as _;

/// Where the index is written, from the site's root.
pub const PATH: &str = "search-index.js";

/// Kinds of rows, in the order of their numbers.
const KINDS: [&str; 5] = [
    "kind_deal",
    "kind_account",
    "kind_contact",
    "kind_person",
    "kind_team",
];

fn row(o: &mut Vec<u8>, kind: u8, id: &str, name: &str, account: Option<Option<AccountIx>>) {
    let _ = write!(o, "[{kind},");
    let _ = serde_json::to_writer(&mut *o, id);
    o.push(b',');
    let _ = serde_json::to_writer(&mut *o, name);
    match account {
        Some(Some(a)) => {
            let _ = write!(o, ",{}", a.get());
        }
        Some(None) => o.extend_from_slice(b",null"),
        None => {}
    }
    o.extend_from_slice(b"],\n");
}

/// The index of a site.
pub fn index(site: &Site<'_>) -> Vec<u8> {
    let p = site.p;
    let mut o = Vec::with_capacity(64 * (p.deals.len() + p.accounts.len() * 4) + 1024);
    o.extend_from_slice(b"window.dealbookSearch={\"k\":");
    let kinds: Vec<&str> = KINDS.iter().map(|k| site.i.get(k)).collect();
    let _ = serde_json::to_writer(&mut o, &kinds);
    o.extend_from_slice(b",\"r\":[\n");
    for a in &p.accounts {
        row(&mut o, 1, a.id.as_str(), &a.name, None);
    }
    for f in &site.a.deals {
        let d = &p.deals[f.deal];
        row(&mut o, 0, d.id.as_str(), &d.name, Some(f.account));
    }
    for (k, a) in enumerate(&p.accounts) {
        for c in &a.contacts {
            row(&mut o, 2, c.id.value.as_str(), &c.name, Some(Some(k)));
        }
    }
    for x in &p.people {
        row(&mut o, 3, x.id.value.as_str(), &x.name, None);
    }
    for t in &p.teams {
        row(&mut o, 4, t.id.value.as_str(), &t.name, None);
    }
    if o.ends_with(b",\n") {
        o.truncate(o.len() - 2);
        o.push(b'\n');
    }
    o.extend_from_slice(b"]};\n");
    o
}
