//! `dealbook import` on hand-written exports in the shape of each preset
//! (tests/fixtures/import/: UTF-8 with BOM and CRLF, Chinese names,
//! `¥1,234.50`, decimal commas, won and lost rows, an unknown stage, an
//! unknown owner, a duplicate row; the HubSpot one is converted to UTF-16
//! with tabs, as Excel's "Unicode text" writes it): the result passes
//! `check` and its figures are the hand-computed ones; importing twice
//! changes nothing; a newer export after hand edits changes only what
//! changed, keeps the comments and appends history; `--dry-run` writes
//! nothing.

use crate::common;

use common::{copy_dir, dealbook, tree_bytes};
use std::path::{Path, PathBuf};
use std::process::Output;

fn fixture(name: &str) -> PathBuf {
    common::repo().join("tests/fixtures/import").join(name)
}

/// A copy of the fixture pipeline (as of 2026-11-15).
fn pipeline() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_dir(&fixture("pipeline"), &p);
    (tmp, p)
}

fn import(p: &Path, args: &[&str]) -> Output {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    dealbook(&all, p)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(p: &Path, args: &[&str]) -> serde_json::Value {
    let out = dealbook(args, p);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn check_errors(p: &Path) -> u64 {
    json(p, &["check", "--format", "json"])["summary"]["errors"]
        .as_u64()
        .unwrap()
}

fn read(p: &Path, rel: &str) -> String {
    std::fs::read_to_string(p.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn salesforce_export_imports_with_row_diagnostics_and_the_right_figures() {
    let (_tmp, p) = pipeline();
    let csv = fixture("salesforce.csv");
    let out = import(&p, &["--preset", "salesforce", csv.to_str().unwrap()]);
    // Two rows were left out: exit 1.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let name = csv.display().to_string();
    assert!(
        err.contains(&format!(
            "{name}:6:5: error: unknown stage \"Negotation\" (column \"Stage\")"
        )),
        "{err}"
    );
    assert!(
        err.contains("did you mean \"Negotiation/Review\"?"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{name}:7:7: error: unknown owner \"王小明\" (column \"Opportunity Owner\")"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{name}:8: warning: duplicate of row 3 (id \"Kessler Automation / MES pilot\"); skipped"
        )),
        "{err}"
    );
    assert!(
        err.contains("columns not imported: Type, Lead Source"),
        "{err}"
    );
    assert!(
        err.contains("8 rows: 5 deals created, 0 updated, 0 unchanged; 2 accounts created, 0 contacts added; 2 rows skipped"),
        "{err}"
    );
    assert_eq!(check_errors(&p), 0);
    assert_eq!(dealbook(&["fmt", "--check"], &p).status.code(), Some(0));

    // Chinese names make stable ids; existing accounts are found by name.
    let erp = read(&p, "deals/erp-er-qi.toml");
    assert_eq!(
        erp,
        "name = \"ERP 二期\"\naccount = \"huaxing-power\"\nowner = \"zhang-min\"\namount = 1_234_500.50\nstage = \"negotiation\"\ncreated = 2026-06-01\nclose = 2026-12-15\nnext_step = \"Price review, then sign\"\nsource = { system = \"salesforce\", id = \"华星电力集团 / ERP 二期\" }\n\n[[history]]\ndate = 2026-11-15\nstage = \"negotiation\"\nclose = 2026-12-15\n"
    );
    assert_eq!(
        read(&p, "accounts/ming-yang-shi-pin.toml"),
        "name = \"明阳食品\"\ntier = \"standard\"\nowner = \"li-wei\"\n"
    );
    let mes = read(&p, "deals/mes-pilot.toml");
    assert!(
        mes.contains("amount = 50_000\ncurrency = \"USD\"\n"),
        "{mes}"
    );
    assert!(
        mes.contains("next_step = \"\"\"\nDemo on site\nthen a workshop\"\"\"\n"),
        "{mes}"
    );
    let lost = read(&p, "deals/cold-chain-iot.toml");
    assert!(
        lost.contains("lost_reason = \"not recorded in Salesforce\""),
        "{lost}"
    );
    assert!(
        lost.contains("[[history]]\ndate = 2026-11-02\nstage = \"lost\""),
        "{lost}"
    );

    // The figures, by hand: open ERP 1,234,500.50 (negotiation, 0.80),
    // MES 50,000 USD × 7.10 = 355,000 (proof, 0.60), quote 5,000 USD =
    // 35,500 (qualify, 0.10); won Grid analytics 980,000 (2026-10-16),
    // lost Cold chain 420,000 (2026-11-02).
    let r = json(&p, &["report", "--format", "json"]);
    assert_eq!(r["funnel"]["count"], 3);
    assert_eq!(r["funnel"]["amount"], "1625000.50");
    // 987,600.40 + 213,000 + 3,550
    assert_eq!(r["funnel"]["weighted"], "1204150.40");
    let k = &r["kpis"];
    assert_eq!(k["period"], "2026-Q4");
    assert_eq!(k["won"], "980000.00");
    assert_eq!(k["commit"], "2214500.50");
    assert_eq!(k["weighted"], "1967600.40");
    assert_eq!(k["win_rate"], "0.5000");
    // 2026-03-02 → 2026-10-16
    assert_eq!(k["sales_cycle_days"], "228.0");
    // No deal is stale on day one: each entered its stage on the import day.
    for d in r["deals"].as_array().unwrap() {
        if d["status"] == "open" {
            assert_eq!(d["days_in_stage"], 0, "{d}");
        }
    }
}

#[test]
fn importing_twice_changes_nothing() {
    let (_tmp, p) = pipeline();
    let csv = fixture("salesforce.csv");
    import(&p, &["--preset", "salesforce", csv.to_str().unwrap()]);
    let once = tree_bytes(&p);
    let out = import(&p, &["--preset", "salesforce", csv.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("0 deals created, 0 updated, 5 unchanged; 0 accounts created"),
        "{}",
        stderr(&out)
    );
    assert_eq!(tree_bytes(&p), once);
}

#[test]
fn a_newer_export_after_hand_edits_changes_only_what_changed() {
    let (_tmp, p) = pipeline();
    import(
        &p,
        &[
            "--preset",
            "salesforce",
            fixture("salesforce.csv").to_str().unwrap(),
        ],
    );
    // Hand edits: a comment, a comment at the end of a line, a field the
    // export does not have, a stakeholder.
    let rel = "deals/erp-er-qi.toml";
    let edited = read(&p, rel)
        .replace("amount = ", "# Key deal: watch closely.\namount = ")
        .replacen("stage = \"negotiation\"\n", "stage = \"negotiation\"  # since the tender\n", 1)
        .replace("next_step = \"Price review, then sign\"\n", "next_step = \"Price review, then sign\"\npains = [\"Month-end close takes 12 days\"]\n")
        .replace("\n[[history]]", "\n[[stakeholder]]\ncontact = \"wang-cio\"\nrole = \"economic_buyer\"\nattitude = \"champion\"\n\n[[history]]");
    std::fs::write(p.join(rel), &edited).unwrap();
    let untouched = read(&p, "deals/grid-analytics.toml");
    let out = import(
        &p,
        &[
            "--preset",
            "salesforce",
            fixture("salesforce-2.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("6 rows: 1 deals created, 3 updated, 2 unchanged"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        read(&p, rel),
        "name = \"ERP 二期\"\naccount = \"huaxing-power\"\nowner = \"zhang-min\"\n# Key deal: watch closely.\namount = 1_300_000\nstage = \"won\"  # since the tender\ncreated = 2026-06-01\nclose = 2026-11-15\nnext_step = \"Price review, then sign\"\npains = [\"Month-end close takes 12 days\"]\nsource = { system = \"salesforce\", id = \"华星电力集团 / ERP 二期\" }\n\n[[stakeholder]]\ncontact = \"wang-cio\"\nrole = \"economic_buyer\"\nattitude = \"champion\"\n\n[[history]]\ndate = 2026-11-15\nstage = \"negotiation\"\nclose = 2026-12-15\n\n[[history]]\ndate = 2026-11-15\nstage = \"won\"\nclose = 2026-11-15\n"
    );
    // A pushed close is recorded as a slip.
    let mes = read(&p, "deals/mes-pilot.toml");
    assert!(mes.contains("\nclose = 2027-03-31\n"), "{mes}");
    assert!(
        mes.ends_with("[[history]]\ndate = 2026-11-15\nstage = \"proof\"\nclose = 2027-01-30\n\n[[history]]\ndate = 2026-11-15\nstage = \"proof\"\nclose = 2027-03-31\n"),
        "{mes}"
    );
    // A new field goes where the spec puts it.
    assert!(
        read(&p, "deals/quote-with-comma.toml")
            .contains("close = 2027-02-28\nnext_step = \"Call back\"\nsource = ")
    );
    assert_eq!(read(&p, "deals/grid-analytics.toml"), untouched);
    assert_eq!(check_errors(&p), 0);
    let k = &json(&p, &["report", "--format", "json"])["kpis"];
    // 980,000 + 1,300,000
    assert_eq!(k["won"], "2280000.00");
}

#[test]
fn dry_run_writes_nothing_and_shows_the_diff() {
    let (_tmp, p) = pipeline();
    let before = tree_bytes(&p);
    let out = import(
        &p,
        &[
            "--preset",
            "salesforce",
            "--dry-run",
            fixture("salesforce.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(tree_bytes(&p), before);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("create deals/erp-er-qi.toml\n"), "{text}");
    assert!(
        text.contains("create accounts/kessler-automation.toml\n"),
        "{text}"
    );
    assert!(text.contains("## dealbook diff"), "{text}");
    assert!(text.contains("5 deals changed: 5 added"), "{text}");
    assert!(stderr(&out).contains("dry run, nothing written"));
    // After a real import, a dry run of the newer export lists the updates.
    import(
        &p,
        &[
            "--preset",
            "salesforce",
            fixture("salesforce.csv").to_str().unwrap(),
        ],
    );
    let out = import(
        &p,
        &[
            "--preset",
            "salesforce",
            "--dry-run",
            fixture("salesforce-2.csv").to_str().unwrap(),
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("update deals/erp-er-qi.toml: amount, stage, close, history\n"),
        "{text}"
    );
}

#[test]
fn hubspot_export_in_utf16_with_tabs() {
    let (_tmp, p) = pipeline();
    let text = std::fs::read_to_string(fixture("hubspot.tsv")).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let csv = p.parent().unwrap().join("hubspot-unicode.txt");
    std::fs::write(&csv, bytes).unwrap();
    let out = import(&p, &["--preset", "hubspot", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("3 rows: 3 deals created"),
        "{}",
        stderr(&out)
    );
    let fleet = read(&p, "deals/fleet-telematics.toml");
    assert!(
        fleet.contains("amount = 1234.50\nstage = \"qualify\""),
        "{fleet}"
    );
    assert!(
        fleet.contains("source = { system = \"hubspot\", id = \"102\" }"),
        "{fleet}"
    );
    let sub = read(&p, "deals/substation-monitoring.toml");
    assert!(
        sub.contains("created = 2026-09-01\nclose = 2027-03-31\n"),
        "{sub}"
    );
    assert!(sub.contains("account = \"huaxing-power\""), "{sub}");
    assert_eq!(check_errors(&p), 0);
}

#[test]
fn pipedrive_export_with_decimal_commas_and_status() {
    let (_tmp, p) = pipeline();
    let out = import(
        &p,
        &[
            "--rules",
            fixture("pipedrive-eu.toml").to_str().unwrap(),
            fixture("pipedrive-eu.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("pipedrive-eu.csv:5: warning: status \"deleted\": skipped"),
        "{err}"
    );
    let won = read(&p, "deals/pumpen-retrofit.toml");
    assert!(won.contains("amount = 12_500\ncurrency = \"EUR\"\nstage = \"won\"\ncreated = 2026-09-01\nclose = 2026-11-05\n"), "{won}");
    let lost = read(&p, "deals/ersatzteile.toml");
    assert!(lost.contains("amount = 3000.50"), "{lost}");
    assert!(lost.contains("lost_reason = \"Preis\""), "{lost}");
    let open = read(&p, "deals/service-2027.toml");
    // 75 % against the stage's 80 %: an override.
    assert!(open.contains("probability = 0.75\n"), "{open}");
    assert_eq!(
        read(&p, "accounts/norden-pumpen-gmbh.toml"),
        "name = \"Norden Pumpen GmbH\"\ntier = \"standard\"\nowner = \"anna\"\n"
    );
    assert_eq!(check_errors(&p), 0);
    // Won 12,500 EUR × 7.80 = 97,500.
    let k = &json(&p, &["report", "--format", "json"])["kpis"];
    assert_eq!(k["won"], "97500.00");
}

#[test]
fn missing_columns_are_named_with_the_columns_the_file_has() {
    let (tmp, p) = pipeline();
    let csv = tmp.path().join("odd.csv");
    std::fs::write(
        &csv,
        "Opportunity Name,Account Name,Amount,Close Dat,Opportunity Owner,Created Date\nA,B,1,1/1/2027,Sam Lee,1/1/2026\n",
    )
    .unwrap();
    let before = tree_bytes(&p);
    let out = import(&p, &["--preset", "salesforce", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("`stage` ← \"Stage\""), "{err}");
    assert!(err.contains("`close` ← \"Close Date\""), "{err}");
    assert!(
        err.contains("its columns are: \"Opportunity Name\", \"Account Name\""),
        "{err}"
    );
    assert!(err.contains("\"Close Dat\" for \"Close Date\""), "{err}");
    assert_eq!(tree_bytes(&p), before);
}

#[test]
fn presets_print_and_parse() {
    let (_tmp, p) = pipeline();
    for name in ["salesforce", "hubspot", "pipedrive"] {
        let out = dealbook(&["import", "--print-preset", name], &p);
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        let rules = dealbook::import::rules::Rules::parse(&text, name).unwrap();
        assert_eq!(rules.system, name);
    }
    let bad = dealbook(&["import", "x.csv"], &p);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--preset"));
}

#[test]
fn a_legacy_encoding_is_read_when_the_rules_name_it() {
    let (tmp, p) = pipeline();
    let rules = format!(
        "{}\n",
        dealbook::import::rules::preset("hubspot").unwrap().replace(
            "system = \"hubspot\"\n",
            "system = \"hubspot\"\n\n[csv]\nencoding = \"gb18030\"\n"
        )
    );
    let rules_path = tmp.path().join("gbk.toml");
    std::fs::write(&rules_path, rules).unwrap();
    let text = "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Create Date,Associated Company\n1,电力监测,Contract Sent,2027-01-31,张敏,88000,2026-10-01,华星电力集团\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    let csv = tmp.path().join("gbk.csv");
    std::fs::write(&csv, &gbk).unwrap();
    // Without the rule: a clear error.
    let out = import(&p, &["--preset", "hubspot", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("gb18030"), "{}", stderr(&out));
    let out = import(
        &p,
        &[
            "--rules",
            rules_path.to_str().unwrap(),
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(read(&p, "deals/dian-li-jian-ce.toml").contains("name = \"电力监测\""));
}

#[test]
fn a_created_date_of_import_day_is_not_moved_by_a_later_import() {
    let (tmp, p) = pipeline();
    let rules = dealbook::import::rules::preset("hubspot")
        .unwrap()
        .replace("[defaults]\n", "[defaults]\ncreated = \"import\"\n");
    let rules_path = tmp.path().join("r.toml");
    std::fs::write(&rules_path, rules).unwrap();
    let csv = tmp.path().join("d.csv");
    std::fs::write(
        &csv,
        "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Create Date,Associated Company\n5,Pilot,Contract Sent,2027-01-31,Sam Lee,1000,,Kessler Automation\n",
    )
    .unwrap();
    let run = |date: &str| {
        import(
            &p,
            &[
                "--rules",
                rules_path.to_str().unwrap(),
                "--date",
                date,
                csv.to_str().unwrap(),
            ],
        )
    };
    assert_eq!(run("2026-11-10").status.code(), Some(0));
    let once = read(&p, "deals/pilot.toml");
    assert!(once.contains("created = 2026-11-10\n"), "{once}");
    let out = run("2026-11-15");
    assert!(stderr(&out).contains("1 unchanged"), "{}", stderr(&out));
    assert_eq!(read(&p, "deals/pilot.toml"), once);
}

#[test]
fn rows_whose_files_would_not_pass_check_are_left_out_with_the_reason() {
    let (_tmp, p) = pipeline();
    // Entries dated after the pipeline's as_of (2026-11-15) are errors:
    // the open deals' history would be dated --date, the closed ones'
    // their close date.
    let csv = fixture("salesforce.csv");
    let out = import(
        &p,
        &[
            "--preset",
            "salesforce",
            "--date",
            "2026-12-01",
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{}:2: error: deals/erp-er-qi.toml would not pass check: E041: history entry dated 2026-12-01, after as_of 2026-11-15",
            csv.display()
        )),
        "{err}"
    );
    assert!(err.contains("8 rows: 2 deals created"), "{err}");
    assert!(!p.join("deals/erp-er-qi.toml").exists());
    assert!(p.join("deals/grid-analytics.toml").exists());
    assert_eq!(check_errors(&p), 0);
}
