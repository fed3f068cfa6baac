//! Each of the twelve risk signals fires at its threshold and not one step
//! below it. Every case is one deal, written as TOML into a fresh pipeline
//! folder and loaded the way `dealbook check` loads it; the base deal has
//! no risk at all, and each case changes one thing.
//!
//! The pipeline: as_of 2026-11-15, calendar fiscal year (2026-Q4 = Oct–Dec
//! 2026); open stages qualify (max 30 days, requires pains), develop (40,
//! decision_process), propose (45, value_proof), negotiate (30); rules
//! min_stakeholders 3, large_deal 1 000 000, economic_buyer_by develop,
//! proof_by propose; USD = 7.5.

use dealbook::analytics::{self, Options};
use dealbook::load::LoadOptions;
use jiff::civil::date;
use std::fs;
use std::path::Path;

const SETTINGS: &str = r#"
[org]
name = "Risk Co"
currency = "CNY"
fiscal_year_start = 1
as_of = 2026-11-15

[rates]
USD = 7.5

[[stage]]
id = "qualify"
probability = 0.1
max_days = 30
requires = ["pains"]

[[stage]]
id = "develop"
probability = 0.3
max_days = 40
requires = ["decision_process"]

[[stage]]
id = "propose"
probability = 0.6
category = "best_case"
max_days = 45
requires = ["value_proof"]

[[stage]]
id = "negotiate"
probability = 0.8
category = "commit"
max_days = 30

[[stage]]
id = "won"
outcome = "won"

[[stage]]
id = "lost"
outcome = "lost"

[rules]
min_stakeholders = 3
large_deal = 1_000_000
economic_buyer_by = "develop"
proof_by = "propose"
"#;

const TEAM: &str = r#"
[[person]]
id = "rep"
name = "Rep"
role = "sales"
"#;

fn account(tier: &str) -> String {
    format!(
        r#"
name = "Customer"
tier = "{tier}"
owner = "rep"

[[contact]]
id = "boss"
name = "Boss"
influence = "high"

[[contact]]
id = "tech"
name = "Tech"
title = "CTO"
influence = "high"

[[contact]]
id = "mid"
name = "Mid"
influence = "medium"

[[contact]]
id = "user"
name = "User"
influence = "low"
"#
    )
}

/// One deal, risk-free as built by [`Deal::base`].
#[derive(Clone)]
struct Deal {
    account: &'static str,
    stage: &'static str,
    amount: &'static str,
    currency: Option<&'static str>,
    created: &'static str,
    close: &'static str,
    next_step: Option<&'static str>,
    next_step_date: Option<&'static str>,
    pains: bool,
    decision_process: bool,
    value_proof: bool,
    competitors: bool,
    stakeholders: Vec<(&'static str, &'static str, &'static str)>,
    /// (date, stage, expected close at the time)
    history: Vec<(&'static str, &'static str, Option<&'static str>)>,
}

impl Deal {
    /// In negotiate since 2026-11-01 (14 days of 30), key account, three
    /// stakeholders with an economic buyer who is a champion, every exit
    /// criterion filled, closing 2026-12-20, next step due 2026-11-20.
    fn base() -> Deal {
        Deal {
            account: "key",
            stage: "negotiate",
            amount: "100000",
            currency: None,
            created: "2026-10-01",
            close: "2026-12-20",
            next_step: Some("Sign"),
            next_step_date: Some("2026-11-20"),
            pains: true,
            decision_process: true,
            value_proof: true,
            competitors: false,
            stakeholders: vec![
                ("boss", "economic_buyer", "champion"),
                ("tech", "technical_buyer", "supporter"),
                ("user", "user_buyer", "supporter"),
            ],
            history: vec![
                ("2026-10-01", "qualify", None),
                ("2026-11-01", "negotiate", None),
            ],
        }
    }

    /// Moves the deal to `stage`, entered on `entered` (from qualify, where
    /// it was created).
    fn in_stage(mut self, stage: &'static str, entered: &'static str) -> Deal {
        self.stage = stage;
        self.history = if stage == "qualify" {
            vec![(entered, "qualify", None)]
        } else {
            vec![(self.created, "qualify", None), (entered, stage, None)]
        };
        self
    }

    fn toml(&self) -> String {
        let mut s = format!(
            "name = \"Deal\"\naccount = \"{}\"\nowner = \"rep\"\namount = {}\nstage = \"{}\"\ncreated = {}\nclose = {}\n",
            self.account, self.amount, self.stage, self.created, self.close
        );
        if let Some(c) = self.currency {
            s += &format!("currency = \"{c}\"\n");
        }
        if let Some(n) = self.next_step {
            s += &format!("next_step = \"{n}\"\n");
        }
        if let Some(d) = self.next_step_date {
            s += &format!("next_step_date = {d}\n");
        }
        if self.pains {
            s += "pains = [\"Slow\"]\n";
        }
        if self.decision_process {
            s += "decision_process = \"Board\"\n";
        }
        if self.value_proof {
            s += "value_proof = \"Pilot\"\n";
        }
        if self.competitors {
            s += "competitors = [\"Rival\"]\n";
        }
        for (contact, role, attitude) in &self.stakeholders {
            s += &format!(
                "\n[[stakeholder]]\ncontact = \"{contact}\"\nrole = \"{role}\"\nattitude = \"{attitude}\"\n"
            );
        }
        for (d, stage, close) in &self.history {
            s += &format!("\n[[history]]\ndate = {d}\nstage = \"{stage}\"\n");
            if let Some(c) = close {
                s += &format!("close = {c}\n");
            }
        }
        s
    }

    /// The risk codes on the deal.
    fn risks(&self) -> Vec<&'static str> {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write("dealbook.toml", SETTINGS);
        write("team.toml", TEAM);
        write("accounts/key.toml", &account("key"));
        write("accounts/growth.toml", &account("growth"));
        write("deals/d.toml", &self.toml());
        risks_at(root)
    }
}

fn risks_at(root: &Path) -> Vec<&'static str> {
    let checked = dealbook::load_and_check(root, &LoadOptions::default(), None, date(2000, 1, 1));
    assert!(
        !checked.has_errors(),
        "{:#?}\n{}",
        checked.diagnostics,
        fs::read_to_string(root.join("deals/d.toml")).unwrap()
    );
    let a = analytics::compute(&checked.pipeline, checked.as_of, &Options::default());
    assert_eq!(a.deals.len(), 1);
    a.risks.iter().map(|r| r.code()).collect()
}

const NONE: [&str; 0] = [];

#[test]
fn the_base_deal_has_no_risk() {
    assert_eq!(Deal::base().risks(), NONE);
}

#[test]
fn overdue_close() {
    // close before as_of
    let d = Deal {
        close: "2026-11-14",
        ..Deal::base()
    };
    assert_eq!(d.risks(), ["overdue_close"]);
    // on as_of: not yet
    let d = Deal {
        close: "2026-11-15",
        ..Deal::base()
    };
    assert_eq!(d.risks(), NONE);
}

#[test]
fn no_next_step() {
    let missing = Deal {
        next_step: None,
        next_step_date: None,
        ..Deal::base()
    };
    assert_eq!(missing.risks(), ["no_next_step"]);
    // a date without a step is still no step
    let date_only = Deal {
        next_step: None,
        ..Deal::base()
    };
    assert_eq!(date_only.risks(), ["no_next_step"]);
    let yesterday = Deal {
        next_step_date: Some("2026-11-14"),
        ..Deal::base()
    };
    assert_eq!(yesterday.risks(), ["no_next_step"]);
    let today = Deal {
        next_step_date: Some("2026-11-15"),
        ..Deal::base()
    };
    assert_eq!(today.risks(), NONE);
    let undated = Deal {
        next_step_date: None,
        ..Deal::base()
    };
    assert_eq!(undated.risks(), NONE);
}

#[test]
fn stale() {
    // negotiate: max_days 30. 2026-10-15 → 2026-11-15 = 31 days.
    assert_eq!(
        Deal::base().in_stage("negotiate", "2026-10-15").risks(),
        ["stale"]
    );
    // 2026-10-16 → 2026-11-15 = 30 days: at the limit, not over it.
    assert_eq!(
        Deal::base().in_stage("negotiate", "2026-10-16").risks(),
        NONE
    );
    // Without history the days count from `created`.
    let no_history = Deal {
        created: "2026-10-15",
        history: Vec::new(),
        ..Deal::base()
    };
    assert_eq!(no_history.risks(), ["stale"]);
    let no_history = Deal {
        created: "2026-10-16",
        history: Vec::new(),
        ..Deal::base()
    };
    assert_eq!(no_history.risks(), NONE);
    // Each stage has its own limit: develop 40 (2026-10-05 = 41 days).
    assert_eq!(
        Deal::base().in_stage("develop", "2026-10-05").risks(),
        ["stale"]
    );
    assert_eq!(Deal::base().in_stage("develop", "2026-10-06").risks(), NONE);
    // An entry that repeats the stage only records a new close date
    // (`dealbook deal push`): the days still count from entering it.
    let pushed = Deal {
        history: vec![
            ("2026-10-01", "qualify", None),
            ("2026-10-15", "negotiate", Some("2026-12-01")),
            ("2026-11-10", "negotiate", Some("2026-12-20")),
        ],
        ..Deal::base()
    };
    assert_eq!(pushed.risks(), ["stale"]);
}

#[test]
fn slipped() {
    let with_closes = |closes: &[&'static str], current: &'static str| {
        let mut d = Deal {
            close: current,
            history: Vec::new(),
            ..Deal::base()
        };
        let dates = ["2026-09-01", "2026-09-15", "2026-10-01", "2026-11-01"];
        let n = closes.len();
        for (i, c) in closes.iter().enumerate() {
            let stage = if i + 1 == n { "negotiate" } else { "qualify" };
            d.history.push((dates[4 - n + i], stage, Some(*c)));
        }
        d.created = d.history[0].0;
        d
    };
    // Later twice, all within 2026-Q4: slipped.
    assert_eq!(
        with_closes(&["2026-12-01", "2026-12-10"], "2026-12-20").risks(),
        ["slipped"]
    );
    // Later once, within its quarter: not slipped.
    assert_eq!(with_closes(&["2026-12-01"], "2026-12-20").risks(), NONE);
    assert_eq!(
        with_closes(&["2026-12-01", "2026-12-20"], "2026-12-20").risks(),
        NONE
    );
    // Later once, out of its quarter (2026-Q4 → 2027-Q1): slipped.
    assert_eq!(
        with_closes(&["2026-12-20"], "2027-01-10").risks(),
        ["slipped"]
    );
    // Pulled in, then pushed back to where it was: one later move, same
    // quarter: not slipped.
    assert_eq!(
        with_closes(&["2026-12-20", "2026-12-01"], "2026-12-20").risks(),
        NONE
    );
    // Pulled in out of a later quarter: earlier, not slipped.
    assert_eq!(with_closes(&["2027-01-10"], "2026-12-20").risks(), NONE);
    // Out of the quarter and back into it: judged by the current close.
    assert_eq!(
        with_closes(&["2026-12-20", "2027-01-10"], "2026-12-22").risks(),
        NONE
    );
    // No recorded close in the history: nothing to compare.
    assert_eq!(Deal::base().risks(), NONE);
}

#[test]
fn no_economic_buyer() {
    let no_eb = |d: Deal| Deal {
        stakeholders: vec![
            ("mid", "influencer", "champion"),
            ("tech", "technical_buyer", "supporter"),
            ("user", "user_buyer", "supporter"),
        ],
        ..d
    };
    // Key account at economic_buyer_by (develop) without one: fires.
    assert_eq!(
        no_eb(Deal::base().in_stage("develop", "2026-11-01")).risks(),
        ["no_economic_buyer"]
    );
    // And past it.
    assert_eq!(no_eb(Deal::base()).risks(), ["no_economic_buyer"]);
    // One stage before: not yet.
    assert_eq!(
        no_eb(Deal::base().in_stage("qualify", "2026-11-01")).risks(),
        NONE
    );
    // Not a key account: never.
    let growth = Deal {
        account: "growth",
        ..no_eb(Deal::base())
    };
    assert_eq!(growth.risks(), NONE);
}

#[test]
fn single_threaded() {
    // min_stakeholders 3: two fire, three do not.
    let mut d = Deal::base();
    d.stakeholders.pop();
    assert_eq!(d.risks(), ["single_threaded"]);
    let mut none = Deal::base();
    none.stakeholders.clear();
    // (no stakeholder: no economic buyer, no champion either)
    assert_eq!(
        none.risks(),
        ["no_economic_buyer", "single_threaded", "no_champion"]
    );
}

#[test]
fn opponent() {
    let with = |contact: &'static str, attitude: &'static str| {
        let mut d = Deal::base();
        d.stakeholders[1] = (contact, "technical_buyer", attitude);
        d
    };
    // Opponent with high influence.
    assert_eq!(with("tech", "opponent").risks(), ["opponent"]);
    // Opponent with medium influence: no.
    assert_eq!(with("mid", "opponent").risks(), NONE);
    // Skeptic with high influence: no.
    assert_eq!(with("tech", "skeptic").risks(), NONE);
}

#[test]
fn exit_criteria() {
    // pains is qualify's exit criterion: empty in develop fires.
    let d = Deal {
        pains: false,
        ..Deal::base().in_stage("develop", "2026-11-01")
    };
    assert_eq!(d.risks(), ["exit_criteria"]);
    // Empty in qualify itself: the criterion is for leaving it.
    let d = Deal {
        pains: false,
        ..Deal::base().in_stage("qualify", "2026-11-01")
    };
    assert_eq!(d.risks(), NONE);
    // value_proof (propose's) empty in propose: fine; in negotiate: fires.
    let d = Deal {
        value_proof: false,
        ..Deal::base().in_stage("propose", "2026-11-01")
    };
    assert_eq!(d.risks(), NONE);
    let d = Deal {
        value_proof: false,
        ..Deal::base()
    };
    assert_eq!(d.risks(), ["exit_criteria"]);
}

#[test]
fn competitive_no_proof() {
    let d = |stage: &'static str, competitors: bool, value_proof: bool| Deal {
        competitors,
        value_proof,
        ..Deal::base().in_stage(stage, "2026-11-01")
    };
    // At proof_by (propose), competitors, no proof.
    assert_eq!(d("propose", true, false).risks(), ["competitive_no_proof"]);
    // One stage before: not yet.
    assert_eq!(d("develop", true, false).risks(), NONE);
    // With proof, or without competitors: no.
    assert_eq!(d("propose", true, true).risks(), NONE);
    assert_eq!(d("propose", false, false).risks(), NONE);
}

#[test]
fn large_early() {
    let d = |stage: &'static str, amount: &'static str, close: &'static str| Deal {
        amount,
        close,
        ..Deal::base().in_stage(stage, "2026-11-01")
    };
    // Exactly large_deal, in develop (2nd of 4 open stages: the first
    // half), closing this quarter.
    assert_eq!(
        d("develop", "1_000_000", "2026-12-31").risks(),
        ["large_early"]
    );
    assert_eq!(
        d("qualify", "1_000_000", "2026-12-31").risks(),
        ["large_early"]
    );
    // A cent below: no.
    assert_eq!(d("develop", "999_999.99", "2026-12-31").risks(), NONE);
    // Third of four open stages: not the first half.
    assert_eq!(d("propose", "1_000_000", "2026-12-31").risks(), NONE);
    // Closing next quarter: no.
    assert_eq!(d("develop", "1_000_000", "2027-01-01").risks(), NONE);
    // Compared in the reporting currency: USD 133333.34 × 7.5 =
    // 1000000.05; USD 133333.33 × 7.5 = 999999.975 → 999999.98.
    let usd = |amount| Deal {
        currency: Some("USD"),
        ..d("develop", amount, "2026-12-31")
    };
    assert_eq!(usd("133333.34").risks(), ["large_early"]);
    assert_eq!(usd("133333.33").risks(), NONE);
}

#[test]
fn no_champion() {
    let with = |stage: &'static str, first: (&'static str, &'static str, &'static str)| {
        let mut d = Deal::base().in_stage(stage, "2026-11-01");
        d.stakeholders[0] = first;
        d
    };
    let eb_supporter = ("boss", "economic_buyer", "supporter");
    // At proof_by (propose) without a coach or a champion.
    assert_eq!(with("propose", eb_supporter).risks(), ["no_champion"]);
    assert_eq!(with("negotiate", eb_supporter).risks(), ["no_champion"]);
    // One stage before: not yet.
    assert_eq!(with("develop", eb_supporter).risks(), NONE);
    // A coach of any attitude clears it ...
    let mut d = with("propose", eb_supporter);
    d.stakeholders[2] = ("user", "coach", "neutral");
    assert_eq!(d.risks(), NONE);
    // ... and so does a champion in any role.
    let mut d = with("propose", eb_supporter);
    d.stakeholders[2] = ("user", "user_buyer", "champion");
    assert_eq!(d.risks(), NONE);
}

#[test]
fn backward() {
    let with = |stages: &[&'static str]| {
        let dates = ["2026-10-01", "2026-10-15", "2026-11-01"];
        Deal {
            stage: stages[stages.len() - 1],
            history: stages
                .iter()
                .zip(dates)
                .map(|(s, d)| (d, *s, None))
                .collect(),
            ..Deal::base()
        }
    };
    assert_eq!(
        with(&["qualify", "propose", "develop"]).risks(),
        ["backward"]
    );
    // Forward, skipping a stage: not backward.
    assert_eq!(with(&["qualify", "propose", "negotiate"]).risks(), NONE);
    assert_eq!(with(&["qualify", "develop", "propose"]).risks(), NONE);
    // Staying in a stage (two entries for it) is not moving back.
    assert_eq!(with(&["qualify", "develop", "develop"]).risks(), NONE);
}

#[test]
fn closed_deals_have_no_risk() {
    // Everything wrong, but won.
    let d = Deal {
        stage: "won",
        close: "2026-11-01",
        next_step: None,
        next_step_date: None,
        pains: false,
        decision_process: false,
        value_proof: false,
        competitors: true,
        stakeholders: Vec::new(),
        history: vec![
            ("2026-10-01", "propose", None),
            ("2026-10-15", "qualify", None),
            ("2026-11-01", "won", None),
        ],
        ..Deal::base()
    };
    assert_eq!(d.risks(), NONE);
}
