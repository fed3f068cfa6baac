//! The names of the model's enums as the site shows them (deal status,
//! forecast categories, roles, tiers, influence, touch kinds, buying
//! roles, attitudes, trends, metrics, risk signals): key, English,
//! Simplified Chinese, as in [`super::LABELS`].

/// The enums' labels.
pub const ENUM_LABELS: &[(&str, &str, &str)] = &[
    // enums: status
    ("status_open", "open", "进行中"),
    ("status_won", "won", "赢单"),
    ("status_lost", "lost", "丢单"),
    // forecast categories
    ("category_pipeline", "pipeline", "管道"),
    ("category_best_case", "best case", "乐观"),
    ("category_commit", "commit", "承诺"),
    ("category_won", "closed-won", "已赢单"),
    ("category_lost", "closed-lost", "已丢单"),
    ("category_open", "open (any category)", "进行中（全部类别）"),
    ("category_short", "Category", "预测类别"),
    (
        "category_overridden",
        "set on the deal; its stage says {default}",
        "在商机上设定；所在阶段默认为“{default}”",
    ),
    ("at_risk", "at risk", "有风险"),
    (
        "commit_at_risk_desc",
        "In commit, with a risk signal: the call is at risk.",
        "列入承诺但有风险信号：这笔承诺有风险。",
    ),
    // roles
    ("role_sales", "sales", "销售"),
    ("role_manager", "manager", "经理"),
    ("role_presales", "presales", "售前"),
    ("role_service", "service", "服务"),
    ("role_other", "other", "其他"),
    // tiers
    ("tier_key", "key", "大客户"),
    ("tier_growth", "growth", "成长客户"),
    ("tier_standard", "standard", "普通客户"),
    // influence
    ("influence_high", "high", "高"),
    ("influence_medium", "medium", "中"),
    ("influence_low", "low", "低"),
    // touch kinds
    ("touch_visit", "visit", "拜访"),
    ("touch_call", "call", "电话"),
    ("touch_email", "e-mail", "邮件"),
    ("touch_meeting", "meeting", "会议"),
    ("touch_other", "other", "其他"),
    // buying roles
    ("buying_economic_buyer", "Economic buyer", "决策者"),
    ("buying_technical_buyer", "Technical buyer", "技术把关者"),
    ("buying_user_buyer", "User buyer", "使用者"),
    ("buying_coach", "Coach", "内线教练"),
    ("buying_influencer", "Influencer", "影响者"),
    // attitudes
    ("attitude_champion", "Champion", "拥护者"),
    ("attitude_supporter", "Supporter", "支持者"),
    ("attitude_neutral", "Neutral", "中立"),
    ("attitude_skeptic", "Skeptic", "怀疑者"),
    ("attitude_opponent", "Opponent", "反对者"),
    // trends
    ("trend_up", "up", "上升"),
    ("trend_down", "down", "下降"),
    ("trend_flat", "flat", "持平"),
    // metrics
    ("metric_revenue", "Revenue", "收入"),
    ("metric_new_accounts", "New accounts", "新客户数"),
    ("metric_win_rate", "Win rate", "赢率"),
    ("metric_satisfaction", "Satisfaction", "满意度"),
    ("metric_market_share", "Market share", "市场份额"),
    ("metric_pipeline_created", "Pipeline created", "新增管道"),
    // risk signals
    ("risk_overdue_close", "Close date passed", "预计成交日已过"),
    (
        "risk_overdue_close_desc",
        "The expected close is before today.",
        "预计成交日期早于今天。",
    ),
    ("risk_no_next_step", "No next step", "缺少下一步"),
    (
        "risk_no_next_step_desc",
        "No next step, or its date has passed.",
        "没有下一步计划，或其日期已过。",
    ),
    ("risk_stale", "Stale", "停滞"),
    (
        "risk_stale_desc",
        "Longer in the stage than the stage allows.",
        "在当前阶段停留超过限定天数。",
    ),
    ("risk_slipped", "Slipped", "延期"),
    (
        "risk_slipped_desc",
        "The close moved later twice, or out of its original quarter.",
        "预计成交日期两次推迟，或移出原季度。",
    ),
    ("risk_no_economic_buyer", "No economic buyer", "缺少决策者"),
    (
        "risk_no_economic_buyer_desc",
        "Key-account deal this far along without an economic buyer.",
        "大客户商机已推进到此阶段但没有决策者。",
    ),
    ("risk_single_threaded", "Single-threaded", "单线联系"),
    (
        "risk_single_threaded_desc",
        "Too few stakeholders.",
        "决策相关人过少。",
    ),
    ("risk_opponent", "Powerful opponent", "强势反对者"),
    (
        "risk_opponent_desc",
        "A high-influence stakeholder opposes us.",
        "有高影响力的决策相关人反对我方。",
    ),
    (
        "risk_exit_criteria",
        "Exit criteria missing",
        "未满足阶段出口标准",
    ),
    (
        "risk_exit_criteria_desc",
        "A field an earlier stage requires is empty.",
        "前一阶段要求的字段为空。",
    ),
    (
        "risk_competitive_no_proof",
        "Competition, no proof",
        "有竞争无价值证明",
    ),
    (
        "risk_competitive_no_proof_desc",
        "Competitors named and no value proof this far along.",
        "存在竞争对手，且到此阶段仍无价值证明。",
    ),
    ("risk_large_early", "Large and early", "大单仍在早期"),
    (
        "risk_large_early_desc",
        "A large deal in an early stage, closing this quarter.",
        "大额商机处于早期阶段却计划本季度成交。",
    ),
    ("risk_no_champion", "No champion", "缺少拥护者"),
    (
        "risk_no_champion_desc",
        "No coach or champion this far along.",
        "到此阶段仍没有内线教练或拥护者。",
    ),
    ("risk_backward", "Moved backwards", "阶段倒退"),
    (
        "risk_backward_desc",
        "The deal went back to an earlier stage.",
        "商机退回到更早的阶段。",
    ),
];
