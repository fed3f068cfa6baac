//! The labels of the Win/loss page and report section's site words:
//! key, English, Simplified Chinese, as in [`super::LABELS`], kept apart
//! so the win/loss analysis's words stay together.

/// The Win/loss page's labels.
pub const WINLOSS_LABELS: &[(&str, &str, &str)] = &[
    // win/loss
    (
        "winloss_title",
        "Win/loss and competition",
        "赢丢单与竞争分析",
    ),
    (
        "winloss_intro",
        "Why deals are won and lost, against whom, and how long decisions take: the won and lost deals of the fiscal year, by their close date.",
        "本财年按成交日期统计的赢单与丢单：输赢原因、竞争对手，以及决策用时。",
    ),
    ("competitor", "Competitor", "竞争对手"),
    ("by_competitor", "Against competitors", "按竞争对手"),
    (
        "by_competitor_intro",
        "Deals that named the competitor: open ones closing this fiscal year, and the won and lost ones. A deal that named two counts for both.",
        "记录了该竞争对手的商机：本财年预计成交的进行中商机，以及赢单与丢单。记录两个对手的商机对两者都计入。",
    ),
    ("lost_amount", "Amount lost", "丢单金额"),
    (
        "chart_winrate_title",
        "Win rate against each competitor per quarter",
        "各季度对各竞争对手的赢率",
    ),
    (
        "chart_winrate_desc",
        "For each competitor and quarter: won ÷ (won + lost) of the closed deals that named it; a dash where none closed.",
        "每个竞争对手、每个季度：记录了该对手的已关闭商机中，赢单 ÷（赢单 + 丢单）；无已关闭商机处为短横。",
    ),
    (
        "chart_winrate_tip",
        "{name} · {quarter}: {won} won, {lost} lost, win rate {rate}",
        "{name} · {quarter}：赢单 {won}，丢单 {lost}，赢率 {rate}",
    ),
    (
        "chart_winrate_none",
        "{name} · {quarter}: no deal closed",
        "{name} · {quarter}：没有已关闭的商机",
    ),
    ("lost_reasons", "Lost reasons", "丢单原因"),
    (
        "lost_reasons_intro",
        "Reasons that differ only in case or spaces are one, shown as first written.",
        "仅大小写或空格不同的原因合并统计，按最早的写法显示。",
    ),
    ("share_of_lost", "Share of amount lost", "占丢单金额"),
    ("stage_timing", "Days in each stage", "各阶段停留天数"),
    (
        "stage_timing_intro",
        "From the histories of the won and lost deals: days spent in each stage (all visits added up) and from creation to entering it.",
        "根据赢单与丢单的阶段历史：在各阶段停留的天数（多次进入累计），以及从创建到进入该阶段的天数。",
    ),
    ("mean", "Mean", "平均"),
    ("median", "Median", "中位数"),
    ("from_created", "From created", "自创建起"),
    ("decision_time", "Decision time", "决策用时"),
    (
        "decision_sub",
        "median of won deals; lost: {lost}",
        "赢单中位数；丢单：{lost}",
    ),
    (
        "decision_intro",
        "Days from the first entry into the last open stage a deal was in to its close, by quarter.",
        "从首次进入商机最后所在的进行中阶段到成交（或丢单）日期的天数，按季度。",
    ),
    (
        "without_history_note",
        "{n} won or lost deals have no history and are left out of the timing.",
        "{n} 个赢单或丢单没有阶段历史，未计入用时统计。",
    ),
    (
        "without_history_note_one",
        "{n} won or lost deal has no history and is left out of the timing.",
        "{n} 个赢单或丢单没有阶段历史，未计入用时统计。",
    ),
    ("lost_most_to", "Lost most to", "丢单最多给"),
    ("main_reason", "Main lost reason", "主要丢单原因"),
    ("won_and_lost", "Won and lost deals", "赢单与丢单"),
    (
        "no_competitors",
        "No competitor was named on these deals.",
        "这些商机没有记录竞争对手。",
    ),
    ("no_lost", "No deal was lost.", "没有丢单。"),
];
