//! The hints `dealbook check` gives for mistakes people make every day:
//! thousands commas and currency symbols in amounts, everyday currency
//! names, rates written as percentages, display names where ids belong.
//! Each case is a folder of `tests/invalid/` (whose `expected` file holds
//! the positions), built over its base; here, what the hint says.

use crate::common;

use common::BIN;
use common::invalid::{corpus, materialize};
use std::process::Command;

/// The `(file:line:col code, hint)` of each diagnostic of a case.
fn hints(case: &str) -> Vec<(String, String)> {
    let pipeline = materialize(&corpus().join(case));
    let out = Command::new(BIN)
        .args(["check", "--format", "json"])
        .arg(pipeline.path())
        .output()
        .expect("run dealbook");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                format!(
                    "{}:{}:{} {}",
                    d["file"].as_str().unwrap(),
                    d["line"],
                    d["column"],
                    d["code"].as_str().unwrap()
                ),
                d["hint"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Asserts the hints of a case, in output order.
fn assert_hints(case: &str, want: &[(&str, &str)]) {
    let got = hints(case);
    let got: Vec<(&str, &str)> = got.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(got, want, "{case}");
}

#[test]
fn currency_names_get_their_iso_code() {
    assert_hints(
        "bad-currency",
        &[(
            "dealbook.toml:3:12 E036",
            "\"rmb\" is an everyday name; its ISO 4217 code is \"CNY\"",
        )],
    );
    assert_hints(
        "currency-alias",
        &[
            (
                "dealbook.toml:8:1 E036",
                "\"US$\" is an everyday name; its ISO 4217 code is \"USD\"",
            ),
            (
                "deals/pilot.toml:5:12 E036",
                "\"RMB\" is an everyday name; its ISO 4217 code is \"CNY\"",
            ),
        ],
    );
}

#[test]
fn target_values_in_their_metrics_range() {
    assert_hints(
        "target-out-of-range",
        &[
            (
                "targets/2026.toml:8:9 E024",
                "write 0.35 for 35%: rates and shares are fractions of 1",
            ),
            (
                "targets/2026.toml:14:11 E024",
                "write 0.025 for 2.5%: rates and shares are fractions of 1",
            ),
            (
                "targets/2026.toml:19:9 E024",
                "satisfaction targets are on the survey scale of 0 to 10: write 8.5 for 85 out of 100",
            ),
            (
                "targets/2026.toml:24:9 E024",
                "new accounts are counted in whole accounts: write 2 or 3",
            ),
        ],
    );
}

#[test]
fn amounts_with_commas_or_symbols_get_the_number_to_write() {
    assert_hints(
        "amount-with-commas",
        &[(
            "deals/pilot.toml:4:12 E005",
            "TOML numbers have no thousands commas: write amount = 50_000",
        )],
    );
    assert_hints(
        "amount-as-text",
        &[(
            "deals/pilot.toml:4:10 E012",
            "write the number, without quotes, symbol or commas: amount = 50_000",
        )],
    );
}

#[test]
fn display_names_say_which_id_has_that_name() {
    assert_hints(
        "name-instead-of-id",
        &[
            (
                "deals/pilot.toml:2:11 E030",
                "\"ACME\" is the name of account \"acme\": write account = \"acme\"",
            ),
            (
                "deals/pilot.toml:3:9 E031",
                "\"Bob\" is the name of person \"bob\": write owner = \"bob\"",
            ),
            (
                "deals/pilot.toml:5:9 E034",
                "\"Qualification\" is the name of stage \"qualify\": write stage = \"qualify\"",
            ),
            (
                "targets/2026.toml:7:8 E032",
                "\"Sales\" is the name of team \"sales\": write team = \"sales\"",
            ),
            (
                "team.toml:15:8 E032",
                "\"Sales\" is the name of team \"sales\": write team = \"sales\"",
            ),
        ],
    );
}
