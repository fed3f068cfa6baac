//! The history tests' repository: a small pipeline committed week by week
//! across the Q3/Q4 2026 boundary with every kind of change (see
//! [`scenario`]), shared by tests/it/history.rs and the browser test of the
//! Trends page.

use super::git::Repo;

/// The settings: the stage list of `dealbook init`'s ids and defaults,
/// no rules that raise diagnostics, `as_of` fixed at Wednesday
/// 2026-10-28 (the range's end).
pub fn settings() -> String {
    super::settings(
        "[org]\nname = \"Test Org\"\ncurrency = \"CNY\"\nas_of = 2026-10-28\n",
        "[rules]\nmin_stakeholders = 0\n",
    )
}

pub const TEAM: &str = r#"[[team]]
id = "east"
name = "East"
manager = "li-wei"

[[team]]
id = "west"
name = "West"

[[person]]
id = "li-wei"
name = "李伟"
team = "east"
role = "manager"

[[person]]
id = "zhang-min"
name = "张敏"
team = "east"

[[person]]
id = "chen-jie"
name = "Chen Jie"
team = "east"

[[person]]
id = "wang-fang"
name = "王芳"
team = "west"
"#;

pub const ACME: &str = "name = \"ACME\"\ntier = \"standard\"\nowner = \"zhang-min\"\n";
pub const HUAXING: &str = "name = \"华星电力\"\ntier = \"key\"\nowner = \"chen-jie\"\n";

pub const TARGETS: &str = r#"[[target]]
period = "2026-Q3"
metric = "revenue"
value = 2_000_000

[[target]]
period = "2026-Q4"
metric = "revenue"
value = 3_000_000

[[target]]
period = "2026-Q4"
person = "zhang-min"
metric = "revenue"
value = 1_000_000
"#;

/// A deal file without `[[history]]` (git gives its stage moves).
pub fn deal(
    name: &str,
    account: &str,
    owner: &str,
    amount: &str,
    stage: &str,
    close: &str,
    created: &str,
) -> String {
    format!(
        "name = \"{name}\"\naccount = \"{account}\"\nowner = \"{owner}\"\namount = {amount}\n\
         stage = \"{stage}\"\ncreated = {created}\nclose = {close}\n"
    )
}

pub const D0: &str = "2026-08-28T10:00:00Z";

/// The scenario. Commits (Fridays unless said, 10:00 UTC; weeks end on
/// Sunday, so the snapshots are Aug 30, Sep 6, 13, 20, 27, Oct 4, 11, 18,
/// 25 and the latest point Wed Oct 28):
///
/// - C0 Aug 28, the base: alpha (zhang-min, 1,000,000, solution 0.4 best
///   case, close Sep 20), beta (zhang-min, 500,000, negotiation 0.8
///   commit, close Sep 25), gamma (chen-jie, 2,000,000, proof 0.6 best
///   case, close Nov 15), delta (wang-fang, 300,000, qualify 0.1
///   pipeline, close Dec 10), eps (chen-jie, 800,000, won Aug 15);
/// - C1 Sep 4: beta amount 600,000; alpha to proof (0.6); zeta added
///   (wang-fang, 400,000, needs-analysis 0.2 pipeline, close Sep 28);
/// - C2 Sep 11: alpha forecast override "commit"; gamma close pushed to
///   Dec 20 (35 days); delta probability override 0.3;
/// - on branch `feature` from C2, B1 dated Sat Sep 12: zeta to solution;
/// - C2b Wed Sep 16 on main: delta's next step;
/// - M Sep 18: merge of `feature` (B1's change lands on main now);
/// - C4 Sep 25: beta won (close Sep 25); alpha back to solution; zeta
///   close pushed to Oct 20 (out of Q3, 22 days);
/// - C5 Oct 2: alpha lost (close Sep 30, reason price); delta handed to
///   zhang-min; omega added (chen-jie, 100,000, qualify, close Nov 30);
/// - C6 Oct 9: gamma's stage mistyped "negotation" (an error: this
///   revision is invalid); delta amount 350,000;
/// - C7 Oct 16: gamma fixed, in negotiation (0.8 commit); zeta won (close
///   Oct 14);
/// - C8 Oct 23: delta.toml renamed delta-renamed.toml; zeta.toml moved to
///   deals/open/; omega deleted;
/// - C9 Tue Oct 27: gamma amount 2,200,000; delta close pushed to
///   2027-01-15 (out of Q4).
pub fn scenario() -> Repo {
    let mut r = Repo::new("");
    r.write("dealbook.toml", &settings());
    r.write("team.toml", TEAM);
    r.write("accounts/acme.toml", ACME);
    r.write("accounts/huaxing.toml", HUAXING);
    r.write("targets/2026.toml", TARGETS);
    let d = |n, a, o, amt, st, c| deal(n, a, o, amt, st, c, "2026-06-01");
    r.write(
        "deals/alpha.toml",
        &d(
            "Alpha ERP",
            "acme",
            "zhang-min",
            "1_000_000",
            "solution",
            "2026-09-20",
        ),
    );
    r.write(
        "deals/beta.toml",
        &d(
            "Beta MES",
            "acme",
            "zhang-min",
            "500_000",
            "negotiation",
            "2026-09-25",
        ),
    );
    r.write(
        "deals/gamma.toml",
        &d(
            "Gamma grid",
            "huaxing",
            "chen-jie",
            "2_000_000",
            "proof",
            "2026-11-15",
        ),
    );
    r.write(
        "deals/delta.toml",
        &d(
            "Delta CRM",
            "huaxing",
            "wang-fang",
            "300_000",
            "qualify",
            "2026-12-10",
        ),
    );
    r.write(
        "deals/eps.toml",
        &d(
            "Eps PLM",
            "huaxing",
            "chen-jie",
            "800_000",
            "won",
            "2026-08-15",
        ),
    );
    r.commit("C0 base", D0);

    r.set("deals/beta.toml", "amount", "amount = 600_000");
    r.set("deals/alpha.toml", "stage", "stage = \"proof\"");
    r.write(
        "deals/zeta.toml",
        &deal(
            "Zeta IoT",
            "huaxing",
            "wang-fang",
            "400_000",
            "needs-analysis",
            "2026-09-28",
            "2026-09-01",
        ),
    );
    r.commit("C1", "2026-09-04T10:00:00Z");

    r.set("deals/alpha.toml", "forecast", "forecast = \"commit\"");
    r.set("deals/gamma.toml", "close", "close = 2026-12-20");
    r.set("deals/delta.toml", "probability", "probability = 0.3");
    r.commit("C2", "2026-09-11T10:00:00Z");

    r.git(&["checkout", "-q", "-b", "feature"], D0);
    r.set("deals/zeta.toml", "stage", "stage = \"solution\"");
    r.commit("B1 on a branch", "2026-09-12T10:00:00Z");
    r.git(&["checkout", "-q", "main"], D0);
    r.set("deals/delta.toml", "next_step", "next_step = \"Demo\"");
    r.commit("C2b", "2026-09-16T10:00:00Z");
    r.git(
        &["merge", "-q", "--no-ff", "feature", "-m", "M merge feature"],
        "2026-09-18T10:00:00Z",
    );
    let m = r.git(&["rev-parse", "HEAD"], D0).trim().to_string();
    r.commits.push(m);

    r.set("deals/beta.toml", "stage", "stage = \"won\"");
    r.set("deals/alpha.toml", "stage", "stage = \"solution\"");
    r.set("deals/zeta.toml", "close", "close = 2026-10-20");
    r.commit("C4", "2026-09-25T10:00:00Z");

    r.set("deals/alpha.toml", "stage", "stage = \"lost\"");
    r.set("deals/alpha.toml", "close", "close = 2026-09-30");
    r.set("deals/alpha.toml", "lost_reason", "lost_reason = \"price\"");
    r.set("deals/delta.toml", "owner", "owner = \"zhang-min\"");
    r.write(
        "deals/omega.toml",
        &deal(
            "Omega BI",
            "huaxing",
            "chen-jie",
            "100_000",
            "qualify",
            "2026-11-30",
            "2026-10-01",
        ),
    );
    r.commit("C5", "2026-10-02T10:00:00Z");

    r.set("deals/gamma.toml", "stage", "stage = \"negotation\"");
    r.set("deals/delta.toml", "amount", "amount = 350_000");
    r.commit("C6 broken", "2026-10-09T10:00:00Z");

    r.set("deals/gamma.toml", "stage", "stage = \"negotiation\"");
    r.set("deals/zeta.toml", "stage", "stage = \"won\"");
    r.set("deals/zeta.toml", "close", "close = 2026-10-14");
    r.commit("C7 fixed", "2026-10-16T10:00:00Z");

    r.rename("deals/delta.toml", "deals/delta-renamed.toml");
    r.rename("deals/zeta.toml", "deals/open/zeta.toml");
    r.remove("deals/omega.toml");
    r.commit("C8", "2026-10-23T10:00:00Z");

    r.set("deals/gamma.toml", "amount", "amount = 2_200_000");
    r.set("deals/delta-renamed.toml", "close", "close = 2027-01-15");
    r.commit("C9", "2026-10-27T10:00:00Z");
    r
}

/// Commit indices in `Repo::commits`.
pub const C0: usize = 0;
pub const C1: usize = 1;
pub const C2: usize = 2;
pub const C5: usize = 7;
pub const C6: usize = 8;
pub const C7: usize = 9;
pub const C8: usize = 10;
pub const C9: usize = 11;
