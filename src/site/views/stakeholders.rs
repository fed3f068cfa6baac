//! The stakeholder map of an account's page: who plays which buying role
//! with which attitude, over the account's open deals, and the roles each
//! contact plays (for the contacts table). Rows and columns follow the
//! declared order of [`BuyingRole`] and [`Attitude`].

use super::cells::{Link, Tag};
use super::{Site, paths};
use crate::analytics::Status;
use crate::model::{Account, Attitude, BuyingRole};
use serde::Serialize;
use std::collections::BTreeMap;

/// A buying role's row of the stakeholder map.
#[derive(Debug, Serialize)]
pub struct MapRow {
    /// The role.
    pub role: Tag,
    /// One cell per attitude.
    pub cells: Vec<Vec<MapEntry>>,
    /// Whether no contact plays this role.
    pub empty: bool,
}

/// A contact in a cell of the map.
#[derive(Debug, Serialize)]
pub struct MapEntry {
    /// Contact name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Influence (code).
    pub influence: String,
    /// Influence label.
    pub influence_label: String,
    /// The deals they play this role in.
    pub deals: Vec<Link>,
}

/// An account's stakeholder map and the roles of its contacts.
pub(super) struct Stakeholders {
    /// One row per buying role, in [`BuyingRole::ALL`] order.
    pub rows: Vec<MapRow>,
    /// Whether no contact is on an open deal (the map is empty).
    pub empty: bool,
    /// Contact id → role → the names of the deals (open or closed) they
    /// play it in, in deal order.
    pub roles_of: BTreeMap<String, BTreeMap<BuyingRole, Vec<String>>>,
}

impl Site<'_> {
    /// The stakeholder map of account `acc` over its deals `deal_rows`
    /// (positions in the analytics' deal rows, open ones first).
    pub(super) fn stakeholder_map(&self, acc: &Account, deal_rows: &[usize]) -> Stakeholders {
        let mut cells: BTreeMap<(BuyingRole, Attitude, String), Vec<Link>> = BTreeMap::new();
        let mut roles_of: BTreeMap<String, BTreeMap<BuyingRole, Vec<String>>> = BTreeMap::new();
        for &k in deal_rows {
            let row = &self.a.deals[k];
            let open = row.status == Status::Open;
            let d = &self.p.deals[row.deal];
            for s in &d.stakeholders {
                let cid = s.contact.value.to_string();
                if open {
                    cells
                        .entry((s.role, s.attitude, cid.clone()))
                        .or_default()
                        .push(Link::to(d.name.as_str(), paths::deal(d.id.as_str())));
                }
                let names = roles_of.entry(cid).or_default().entry(s.role).or_default();
                if !names.contains(&d.name) {
                    names.push(d.name.clone());
                }
            }
        }
        let rows = BuyingRole::ALL
            .iter()
            .map(|&role| MapRow {
                empty: !cells.keys().any(|(r, _, _)| *r == role),
                role: self.label_tag("buying", role.as_str()),
                cells: Attitude::ALL
                    .iter()
                    .map(|&att| {
                        cells
                            .range((role, att, String::new())..)
                            .take_while(|((r, t, _), _)| *r == role && *t == att)
                            .map(|((_, _, cid), deals)| {
                                let who = self.contact_cells(acc.contact(cid), cid);
                                MapEntry {
                                    name: who.name,
                                    title: who.title,
                                    influence: who.influence.code,
                                    influence_label: who.influence.text,
                                    deals: deals.clone(),
                                }
                            })
                            .collect()
                    })
                    .collect(),
            })
            .collect();
        Stakeholders {
            rows,
            empty: cells.is_empty(),
            roles_of,
        }
    }
}
