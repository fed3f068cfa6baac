//! The edit commands on a real pipeline (a copy of the example, as of
//! 2026-11-15): `deal new|move|won|lost|push|set` and `touch` change one
//! file in place, keep its comments, append the history entry the change
//! needs, keep the pipeline valid and print the warnings they bring; an
//! edit that would add an error is refused and writes nothing. Shell
//! completion completes ids from the pipeline.

use crate::common;

use common::{dealbook, example_copy, tree_bytes};
use std::path::Path;
use std::process::Output;

const DATE: &str = "2026-11-15";

fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn read(p: &Path, rel: &str) -> String {
    std::fs::read_to_string(p.join(rel)).unwrap()
}

fn check_json(p: &Path) -> serde_json::Value {
    let out = dealbook(&["check", "--format", "json"], p);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn report_deal(p: &Path, id: &str) -> serde_json::Value {
    let out = dealbook(&["report", "--format", "json"], p);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["deals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no deal {id} in the report"))
}

fn errors(p: &Path) -> u64 {
    check_json(p)["summary"]["errors"].as_u64().unwrap()
}

#[test]
fn new_creates_a_valid_formatted_deal_with_its_first_history_entry() {
    let (_tmp, p) = example_copy();
    let out = dealbook(
        &[
            "deal",
            "new",
            "acme-test",
            "--name",
            "华星 test",
            "--account",
            "huaxing-power",
            "--amount",
            "1_250_000.5",
            "--stage",
            "solution",
            "--close",
            "2027-02-28",
            "--product",
            "erp",
            "--product",
            "mes",
            "--date",
            DATE,
        ],
        &p,
    );
    assert!(ok(&out).contains("deals/acme-test.toml: new deal"));
    let text = read(&p, "deals/acme-test.toml");
    assert_eq!(
        text,
        "name = \"华星 test\"\naccount = \"huaxing-power\"\nowner = \"zhang-min\"\namount = 1_250_000.50\nstage = \"solution\"\ncreated = 2026-11-15\nclose = 2027-02-28\nproducts = [\"erp\", \"mes\"]\n\n[[history]]\ndate = 2026-11-15\nstage = \"solution\"\nclose = 2027-02-28\n"
    );
    assert_eq!(errors(&p), 0);
    assert_eq!(dealbook(&["fmt", "--check"], &p).status.code(), Some(0));
    let d = report_deal(&p, "acme-test");
    assert_eq!(d["days_in_stage"], 0);
    assert_eq!(d["amount"], "1250000.5");
    // The exit criteria it skipped are warned about.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("W001"), "{err}");
    // An id that exists, or is not a slug, is refused.
    let again = dealbook(
        &[
            "deal",
            "new",
            "acme-test",
            "--name",
            "x",
            "--account",
            "huaxing-power",
            "--amount",
            "1",
        ],
        &p,
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let bad = dealbook(
        &[
            "deal",
            "new",
            "Acme Test",
            "--name",
            "x",
            "--account",
            "huaxing-power",
            "--amount",
            "1",
        ],
        &p,
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("try \"acme-test\""));
}

#[test]
fn move_appends_history_keeps_comments_and_warns_about_exit_criteria() {
    let (_tmp, p) = example_copy();
    let rel = "deals/open/anke-erp-2027.toml";
    let before = format!("# Hand-written comment.\n{}", read(&p, rel));
    std::fs::write(p.join(rel), &before).unwrap();
    let out = dealbook(
        &[
            "deal",
            "move",
            "anke-erp-2027",
            "negotiation",
            "--date",
            DATE,
        ],
        &p,
    );
    assert!(ok(&out).contains("stage needs-analysis → negotiation on 2026-11-15"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("W001"), "{err}");
    assert!(err.contains("value_proof"), "{err}");
    let after = read(&p, rel);
    assert!(after.starts_with("# Hand-written comment.\n"));
    assert_eq!(
        after,
        before.replace(
            "stage = \"needs-analysis\"\ncreated",
            "stage = \"negotiation\"\ncreated"
        ) + "\n[[history]]\ndate = 2026-11-15\nstage = \"negotiation\"\nclose = 2027-03-19\n"
    );
    assert_eq!(errors(&p), 0);
    assert_eq!(report_deal(&p, "anke-erp-2027")["days_in_stage"], 0);
    // Moving to where it is already, or to a stage that does not exist.
    let same = dealbook(
        &[
            "deal",
            "move",
            "anke-erp-2027",
            "negotiation",
            "--date",
            DATE,
        ],
        &p,
    );
    assert_eq!(same.status.code(), Some(2));
    let typo = dealbook(
        &[
            "deal",
            "move",
            "anke-erp-2027",
            "negotation",
            "--date",
            DATE,
        ],
        &p,
    );
    assert!(String::from_utf8_lossy(&typo.stderr).contains("did you mean \"negotiation\""));
    let unknown = dealbook(
        &["deal", "move", "anke-erp-2072", "proof", "--date", DATE],
        &p,
    );
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("did you mean \"anke-erp-2027\""));
}

#[test]
fn a_deal_without_history_first_gets_the_stage_it_was_in() {
    let (_tmp, p) = example_copy();
    let rel = "deals/open/anke-erp-2027.toml";
    let text = read(&p, rel);
    let cut = text.find("\n[[history]]").unwrap();
    std::fs::write(p.join(rel), &text[..cut]).unwrap();
    ok(&dealbook(
        &["deal", "move", "anke-erp-2027", "solution", "--date", DATE],
        &p,
    ));
    let after = read(&p, rel);
    assert!(after.ends_with(
        "[[history]]\ndate = 2026-10-15\nstage = \"needs-analysis\"\nclose = 2027-03-19\n\n[[history]]\ndate = 2026-11-15\nstage = \"solution\"\nclose = 2027-03-19\n"
    ), "{after}");
}

#[test]
fn won_and_lost_close_the_deal_and_change_the_figures() {
    let (_tmp, p) = example_copy();
    let won_before = {
        let out = dealbook(&["report", "--format", "json"], &p);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["kpis"]["won"].as_str().unwrap().to_string()
    };
    // fuda-erp-phase2: negotiation, 1_900_000? Take its amount from the report.
    let amount = report_deal(&p, "fuda-erp-phase2")["amount_reporting"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&dealbook(
        &["deal", "won", "fuda-erp-phase2", "--date", DATE],
        &p,
    ));
    let text = read(&p, "deals/open/fuda-erp-phase2.toml");
    assert!(text.contains("stage = \"won\""));
    assert!(text.contains("close = 2026-11-15\n"));
    assert!(
        text.ends_with("[[history]]\ndate = 2026-11-15\nstage = \"won\"\nclose = 2026-11-15\n")
    );
    assert_eq!(errors(&p), 0);
    let out = dealbook(&["report", "--format", "json"], &p);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let won_after: f64 = doc["kpis"]["won"].as_str().unwrap().parse().unwrap();
    let want = won_before.parse::<f64>().unwrap() + amount.parse::<f64>().unwrap();
    assert!((won_after - want).abs() < 0.005, "{won_after} != {want}");

    // Lost needs a reason.
    let no_reason = dealbook(&["deal", "lost", "kaida-mes-2027", "--date", DATE], &p);
    assert_eq!(no_reason.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_reason.stderr).contains("--reason"));
    ok(&dealbook(
        &[
            "deal",
            "lost",
            "kaida-mes-2027",
            "--reason",
            "price",
            "--date",
            DATE,
        ],
        &p,
    ));
    let text = read(&p, "deals/open/kaida-mes-2027.toml");
    assert!(text.contains("lost_reason = \"price\""));
    assert_eq!(report_deal(&p, "kaida-mes-2027")["status"], "lost");
    assert_eq!(errors(&p), 0);
}

#[test]
fn push_records_the_slip_without_restarting_the_stage_clock() {
    let (_tmp, p) = example_copy();
    let id = "huaxing-turbine-mes";
    let days = report_deal(&p, id)["days_in_stage"].clone();
    let out = dealbook(&["deal", "push", id, "2027-03-31", "--date", DATE], &p);
    assert!(ok(&out).contains("close 2026-12-18 → 2027-03-31 (pushed 103 days)"));
    let text = read(&p, "deals/open/huaxing-turbine-mes.toml");
    assert!(text.contains("\nclose = 2027-03-31\n"));
    assert!(text.ends_with(
        "[[history]]\ndate = 2026-10-20\nstage = \"proof\"\nclose = 2026-12-18\n\n[[history]]\ndate = 2026-11-15\nstage = \"proof\"\nclose = 2027-03-31\n"
    ), "{text}");
    let d = report_deal(&p, id);
    assert_eq!(d["days_in_stage"], days);
    assert!(
        d["risks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "slipped"),
        "{d}"
    );
    assert_eq!(errors(&p), 0);
    // A closed deal is not pushed.
    let closed = dealbook(
        &[
            "deal",
            "push",
            "huaxing-erp-2025",
            "2027-01-01",
            "--date",
            DATE,
        ],
        &p,
    );
    assert_eq!(closed.status.code(), Some(2));
}

#[test]
fn set_changes_one_field_in_place() {
    let (_tmp, p) = example_copy();
    let rel = "deals/open/yuanda-mes.toml";
    let text = read(&p, rel);
    let with_comment = text.replacen("\nstage = ", "  # list price\nstage = ", 1);
    std::fs::write(p.join(rel), &with_comment).unwrap();
    ok(&dealbook(
        &[
            "deal",
            "set",
            "yuanda-mes",
            "amount",
            "1,234,567.8",
            "--date",
            DATE,
        ],
        &p,
    ));
    let after = read(&p, rel);
    assert!(
        after.contains("amount = 1_234_567.80  # list price\n"),
        "{after}"
    );
    ok(&dealbook(
        &["deal", "set", "yuanda-mes", "competitors", "SAP", "Oracle"],
        &p,
    ));
    assert!(read(&p, rel).contains("competitors = [\"SAP\", \"Oracle\"]\n"));
    ok(&dealbook(
        &["deal", "set", "yuanda-mes", "probability", "65%"],
        &p,
    ));
    assert!(read(&p, rel).contains("probability = 0.65\n"));
    ok(&dealbook(
        &["deal", "set", "yuanda-mes", "probability", "--unset"],
        &p,
    ));
    assert!(!read(&p, rel).contains("probability"));
    // `stage` is a move: it gets its history entry.
    ok(&dealbook(
        &[
            "deal",
            "set",
            "yuanda-mes",
            "stage",
            "proof",
            "--date",
            DATE,
        ],
        &p,
    ));
    assert!(
        read(&p, rel).ends_with("stage = \"proof\"\nclose = 2027-01-29\n"),
        "{}",
        read(&p, rel)
    );
    assert_eq!(errors(&p), 0);
    // Unknown fields and required ones.
    let typo = dealbook(&["deal", "set", "yuanda-mes", "ammount", "5"], &p);
    assert!(String::from_utf8_lossy(&typo.stderr).contains("did you mean `amount`"));
    let req = dealbook(&["deal", "set", "yuanda-mes", "owner", "--unset"], &p);
    assert_eq!(req.status.code(), Some(2));
}

#[test]
fn an_edit_that_would_break_the_pipeline_is_refused_and_writes_nothing() {
    let (_tmp, p) = example_copy();
    let before = tree_bytes(&p);
    // An unknown owner.
    let out = dealbook(&["deal", "set", "yuanda-mes", "owner", "nobody"], &p);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("E031"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    // A forecast category that does not exist.
    let out = dealbook(&["deal", "set", "yuanda-mes", "forecast", "comit"], &p);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("commit"));
    // Won in the future: after as_of (2026-11-15 in dealbook.toml).
    let out = dealbook(&["deal", "won", "yuanda-mes", "--date", "2026-12-01"], &p);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("E041"), "{err}");
    // A touch by someone who is not in the team.
    let out = dealbook(
        &[
            "touch",
            "huaxing-power",
            "--kind",
            "call",
            "--by",
            "ghost",
            "--date",
            DATE,
        ],
        &p,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(tree_bytes(&p), before);
}

#[test]
fn touch_logs_a_follow_up_from_a_sub_folder() {
    let (_tmp, p) = example_copy();
    let out = dealbook(
        &[
            "touch",
            "huaxing-power",
            "--kind",
            "visit",
            "--note",
            "季度回顾",
            "--contact",
            "wang-cio",
            "--date",
            DATE,
        ],
        &p.join("deals/open"),
    );
    ok(&out);
    let text = read(&p, "accounts/key/huaxing-power.toml");
    assert!(text.ends_with(
        "[[touch]]\ndate = 2026-11-15\nby = \"zhang-min\"\nkind = \"visit\"\ncontact = \"wang-cio\"\nnote = \"季度回顾\"\n"
    ) || text.contains(
        "[[touch]]\ndate = 2026-11-15\nby = \"zhang-min\"\nkind = \"visit\"\ncontact = \"wang-cio\"\nnote = \"季度回顾\"\n\n[[survey]]"
    ), "{text}");
    assert_eq!(errors(&p), 0);
    let bad = dealbook(&["touch", "huaxing-power", "--kind", "lunch"], &p);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn bash_completion_completes_deal_ids_and_stages() {
    let (_tmp, p) = example_copy();
    let script = ok(&dealbook(&["completions", "bash"], &p));
    assert!(script.contains("COMPLETE=\"bash\""), "{script}");
    let bin_dir = Path::new(common::BIN).parent().unwrap();
    let run = |words: &str, cword: usize| -> String {
        let cmd = format!(
            "source <(dealbook completions bash)\nCOMP_WORDS=({words})\nCOMP_CWORD={cword}\nCOMP_TYPE=9\n_clap_complete_dealbook dealbook \"${{COMP_WORDS[$COMP_CWORD]}}\"\nprintf '%s\\n' \"${{COMPREPLY[@]}}\""
        );
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(cmd)
            .current_dir(p.join("deals"))
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    bin_dir.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .output()
            .expect("bash");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let ids = run("dealbook deal move huaxing-t", 3);
    assert_eq!(ids.trim(), "huaxing-turbine-mes", "{ids}");
    let stages = run("dealbook deal move huaxing-turbine-mes ne", 4);
    let stages: Vec<&str> = stages.lines().collect();
    assert_eq!(stages, ["needs-analysis", "negotiation"]);
    for shell in ["zsh", "fish"] {
        assert!(dealbook(&["completions", shell], &p).status.success());
    }
}
