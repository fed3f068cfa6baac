//! What the site's views show, figure by figure, on the small fixture of
//! analytics.rs (`tests/fixtures/analytics-small`, as_of 2026-11-15,
//! fiscal year from April: the current quarter is 2026-Q3, Oct–Dec 2026),
//! worked out by hand: which deals the dashboard lists, what every card
//! says and for which window, what closed deals show, the words of both
//! locales.

use dealbook::Checked;
use dealbook::analytics::{self, Analytics, Options};
use dealbook::load::LoadOptions;
use dealbook::site::views::Site;
use jiff::civil::date;
use std::path::Path;
use std::sync::OnceLock;

fn checked() -> &'static Checked {
    static C: OnceLock<Checked> = OnceLock::new();
    C.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analytics-small");
        let c = dealbook::load_and_check(&root, &LoadOptions::default(), None, date(2000, 1, 1));
        assert!(!c.has_errors());
        c
    })
}

fn a() -> &'static Analytics {
    static A: OnceLock<Analytics> = OnceLock::new();
    A.get_or_init(|| analytics::compute(&checked().pipeline, checked().as_of, &Options::default()))
}

fn site() -> Site<'static> {
    Site::new(&checked().pipeline, a(), &checked().diagnostics)
}

#[test]
fn closing_soon_leaves_out_overdue_deals() {
    let d = site().dashboard();
    // Open deals and their close, as of 2026-11-15 (+30 days = 2026-12-15):
    // birch-skip 2026-10-31 (passed), delta-addon 2026-11-30, birch-renewal
    // 2026-12-10, delta-platform 2026-12-15 (the 30th day: in),
    // acme-expansion 2026-12-20, cedar-new 2026-12-31, elm-upsell
    // 2027-01-31, acme-usd 2027-02-15. Soonest first.
    let ids: Vec<&str> = d.closing.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["delta-addon", "birch-renewal", "delta-platform"]);
    // The one whose close has passed is listed on its own.
    let ids: Vec<&str> = d.overdue.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["birch-skip"]);
    assert_eq!(d.overdue_total, 1);
    assert!(d.overdue[0].late);
}

#[test]
fn closed_deals_show_no_probability_or_weighted_amount() {
    let s = site();
    let k = |id: &str| {
        a().deals
            .iter()
            .position(|d| checked().pipeline.deals[d.deal].id.as_str() == id)
            .unwrap()
    };
    // acme-iot-2026 is won, cedar-lost-2025 lost, acme-usd open (0.45).
    let won = s.deal_line(k("acme-iot-2026"));
    assert_eq!(
        (won.probability.s.as_str(), won.weighted.s.as_str()),
        ("", "")
    );
    assert_eq!(won.category.text, "closed-won");
    let lost = s.deal_line(k("cedar-lost-2025"));
    assert_eq!(
        (lost.probability.s.as_str(), lost.category.text.as_str()),
        ("", "closed-lost")
    );
    let open = s.deal_line(k("acme-usd"));
    assert_eq!(
        (open.probability.s.as_str(), open.weighted.s.as_str()),
        ("45%", "¥64,112")
    );
    // The page of a won deal: amount, close and how long it took (04-15 →
    // 08-20: 15 + 31 + 30 + 31 + 20 = 127 days), no probability card.
    let page = s.deal_page(k("acme-iot-2026"));
    let cards: Vec<&str> = page.cards.iter().map(|c| c.key).collect();
    assert_eq!(cards, ["amount", "close", "sales_cycle"]);
    assert_eq!(page.cards[2].value, "127 days");
    let open_page = s.deal_page(k("acme-usd"));
    let cards: Vec<&str> = open_page.cards.iter().map(|c| c.key).collect();
    assert_eq!(cards, ["amount", "probability", "close", "days_in_stage"]);
}

/// The cards as `key: label [window] value | sub`.
fn cards(cards: &[dealbook::site::views::Kpi]) -> Vec<String> {
    cards
        .iter()
        .map(|k| {
            format!(
                "{}: {} [{}] {} | {}",
                k.key, k.label, k.window, k.value, k.sub
            )
        })
        .collect()
}

#[test]
fn every_dashboard_card_says_its_window() {
    let d = site().dashboard();
    let all = cards(&d.cards);
    for c in cards(&d.cards).iter().chain(&cards(&d.customers)) {
        assert!(!c.contains("[]"), "no window: {c}");
    }
    // The quarter's won 200000 of the 350000 target (57.1%); commit
    // 635620.92 against that target: 635620.92 / 350000 = 1.816059… →
    // 181.6%.
    assert!(
        all[0].starts_with("won: Won [This quarter · 2026-Q3]"),
        "{all:?}"
    );
    assert!(
        all[1].starts_with("commit: Commit [This quarter · 2026-Q3]")
            && all[1].contains("181.6% of ¥350K target"),
        "{all:?}"
    );
    assert!(all[2].starts_with("weighted: Weighted [This quarter · 2026-Q3]"));
    assert!(all[3].starts_with("coverage: Coverage [This quarter · 2026-Q3]"));
    assert!(all[4].starts_with("open_deals: Open pipeline [All open deals, now]"));
    assert!(all[5].starts_with("win_rate: Win rate [This fiscal year · 2026]"));
    assert!(all[6].starts_with("open_risks: Open risks [All open deals, now]"));
    assert!(all[7].starts_with("overdue_follow_ups: Overdue follow-ups [Now]"));
    let customers = cards(&d.customers);
    assert!(customers[0].starts_with("growth: Growth [Fiscal year to date · 2026]"));
    assert!(customers[1].starts_with("retention: Retention [2025 → 2026]"));
    assert!(customers[2].starts_with("new_accounts: New accounts [This fiscal year · 2026]"));
    assert!(customers[3].starts_with("market_share: Market share [This fiscal year · 2026]"));
}

#[test]
fn counts_take_the_plural_of_their_locale() {
    let s = site();
    let d = s.dashboard();
    // November 2026: elm-erp-2026 alone; December 2025: birch-crm-2025.
    assert!(
        d.chart_monthly.contains("Nov 2026: ¥80,000 (1 deal)"),
        "{}",
        d.chart_monthly
    );
    assert!(!d.chart_monthly.contains("Deals)") && !d.chart_monthly.contains("1 deals"));
    // The funnel: develop holds birch-renewal only, qualify two deals.
    let funnel = s.funnel().chart_funnel;
    assert!(funnel.contains("Develop: 1 deal, ¥150,000"), "{funnel}");
    assert!(funnel.contains("Qualify: 2 deals, ¥650,000"), "{funnel}");
    // The same in Chinese: one form, with its measure word.
    let mut zh = checked().pipeline.clone();
    zh.settings.org.locale = dealbook::model::Locale::ZhCn;
    let s = Site::new(&zh, a(), &checked().diagnostics);
    let d = s.dashboard();
    assert!(
        d.chart_monthly.contains("（1 个商机）") || d.chart_monthly.contains("(1 个商机)"),
        "{}",
        d.chart_monthly
    );
    let funnel = s.funnel().chart_funnel;
    assert!(
        funnel.contains("Develop：1 个商机") || funnel.contains("Develop: 1 个商机"),
        "{funnel}"
    );
}

/// Money written with thousands separators ("¥6,330,000"): the style of
/// tables, not of cards and charts.
fn grouped_money(s: &str) -> bool {
    let b: Vec<char> = s.chars().collect();
    (0..b.len()).any(|i| {
        b[i] == '¥' && {
            let digits: String = b[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == ',')
                .collect();
            digits.contains(',')
        }
    })
}

#[test]
fn one_number_style_per_locale_on_cards_and_charts() {
    // English: cards in the charts' compact style (K, M), the exact
    // amount as the card's tooltip.
    let s = site();
    let d = s.dashboard();
    let won = &d.cards[0];
    assert_eq!(
        (won.value.as_str(), won.exact.as_str()),
        ("¥200K", "¥200,000")
    );
    // Open pipeline 1708092.48 → ¥1.71M.
    assert_eq!(d.cards[4].value, "¥1.71M");
    for c in d.cards.iter().chain(&d.customers) {
        assert!(!grouped_money(&c.value) && !grouped_money(&c.sub), "{c:?}");
    }
    assert!(d.chart_forecast.contains("¥"), "charts show money");
    // Chinese: 万 on the cards as on the charts, and 成交概率 for a
    // deal's probability (赢率 is the win rate).
    let mut zh = checked().pipeline.clone();
    zh.settings.org.locale = dealbook::model::Locale::ZhCn;
    let s = Site::new(&zh, a(), &checked().diagnostics);
    let d = s.dashboard();
    assert_eq!(d.cards[0].value, "¥20万");
    assert_eq!(d.cards[1].sub, "目标 ¥35万 的 181.6% · 已赢单 + 承诺中商机");
    // 882558.83 → ¥88.26万
    assert_eq!(d.cards[2].value, "¥88.26万");
    assert_eq!(d.cards[2].sub, "已赢单 + Σ 进行中金额 × 成交概率");
    for c in d.cards.iter().chain(&d.customers) {
        assert!(!grouped_money(&c.value) && !grouped_money(&c.sub), "{c:?}");
    }
    assert!(d.chart_monthly.contains("万"), "{}", d.chart_monthly);
    assert_eq!(s.i.get("probability"), "成交概率");
    assert_eq!(s.i.get("win_rate"), "赢率");
}
