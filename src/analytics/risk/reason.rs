//! The one-line reason of a risk, written from its figures and the
//! pipeline's names where it is shown: in English for the report, the CSV
//! and JSON exports and an English site ("46 days in Negotiation, limit
//! 30"), in Simplified Chinese for a site with `[org] locale = "zh-CN"`
//! ("在“Negotiation”阶段已停留 46 天，上限 30 天"). Names (stages,
//! contacts, competitors, fields) are shown as written; dates and periods
//! in ISO form in both languages. `docs/metrics.md` lists every sentence.

use super::{Late, Missing, Risk, Signal};
use crate::ix::StageIx;
use crate::model::{Locale, Pipeline};
use std::fmt::{self, Display, Write};

/// The reason of `r` in `locale`, with the names of `p` (the pipeline the
/// risk was computed from).
pub fn reason(r: &Risk, p: &Pipeline, locale: Locale) -> String {
    let mut s = String::new();
    let w = Words { r, p };
    let done = match locale {
        Locale::En => w.english(&mut s),
        Locale::ZhCn => w.chinese(&mut s),
    };
    done.expect("writing to a String does not fail");
    s
}

/// "1 day", "2 days": written straight into the reason.
struct Plural<'a>(i64, &'a str);

impl Display for Plural<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = if self.0 == 1 { "" } else { "s" };
        write!(f, "{} {}{s}", self.0, self.1)
    }
}

/// Items written one after the other with a separator.
struct Joined<I>(I, &'static str);

impl<I, T> Display for Joined<I>
where
    I: Iterator<Item = T> + Clone,
    T: Display,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, x) in self.0.clone().enumerate() {
            if n > 0 {
                f.write_str(self.1)?;
            }
            write!(f, "{x}")?;
        }
        Ok(())
    }
}

/// A risk with the pipeline its positions point into.
struct Words<'a> {
    r: &'a Risk,
    p: &'a Pipeline,
}

impl<'a> Words<'a> {
    fn stage(&self, ix: StageIx) -> &'a str {
        self.p.settings.stages[ix].name.as_str()
    }

    fn deal(&self) -> &'a crate::model::Deal {
        &self.p.deals[self.r.deal]
    }

    /// The opposed contacts, "name (title)" in the brackets `br`.
    fn opposed(&self, ixs: &'a [usize], br: Brackets) -> impl Iterator<Item = Titled<'a>> + Clone {
        let account = self.p.account_of(self.deal());
        ixs.iter().filter_map(move |&c| {
            let c = account?.contacts.get(c)?;
            Some(Titled {
                name: c.name.as_str(),
                title: c.title.as_deref(),
                br,
            })
        })
    }

    /// The empty exit criteria, "field (stage)" in the brackets `br`.
    fn missing(
        &self,
        missing: &'a [Missing],
        br: Brackets,
    ) -> impl Iterator<Item = Titled<'a>> + Clone {
        let stages = &self.p.settings.stages;
        missing.iter().map(move |m| {
            let st = &stages[m.stage];
            Titled {
                name: st.requires[m.field].value.as_str(),
                title: Some(st.name.as_str()),
                br,
            }
        })
    }

    fn money(&self) -> String {
        crate::fmt::money(self.r.amount, &self.p.settings.org.currency.value)
    }

    fn english(&self, s: &mut String) -> fmt::Result {
        match &self.r.signal {
            Signal::OverdueClose(Late { date, days }) => write!(
                s,
                "expected close {date} passed {} ago",
                Plural(*days, "day")
            ),
            Signal::NoNextStep(None) => write!(s, "no next step"),
            Signal::NoNextStep(Some(Late { date, days })) => {
                write!(s, "next step was due {date} ({} ago)", Plural(*days, "day"))
            }
            Signal::Stale { stage, days, limit } => write!(
                s,
                "{} in {}, limit {limit}",
                Plural(*days, "day"),
                self.stage(*stage)
            ),
            Signal::Slipped {
                first,
                last,
                later_moves,
                out_of,
            } => {
                if *later_moves >= 2 {
                    write!(s, "close moved later {later_moves} times, {first} → {last}")?;
                } else {
                    write!(s, "close moved {first} → {last}")?;
                }
                match out_of {
                    Some(q) => write!(s, ", out of {q}"),
                    None => Ok(()),
                }
            }
            Signal::NoEconomicBuyer { stage } => write!(
                s,
                "key account in {} without a mapped economic buyer",
                self.stage(*stage)
            ),
            Signal::SingleThreaded { mapped, expected } => write!(
                s,
                "{} mapped, at least {expected} expected",
                Plural(*mapped as i64, "stakeholder")
            ),
            Signal::Opponent { contacts } => write!(
                s,
                "{} opposed, with high influence",
                Joined(self.opposed(contacts, EN), ", ")
            ),
            Signal::ExitCriteria { missing } => write!(
                s,
                "exit criteria not met: {}",
                Joined(self.missing(missing, EN), ", ")
            ),
            Signal::CompetitiveNoProof { stage } => write!(
                s,
                "competing with {} in {} without value proof",
                Joined(self.deal().competitors.iter(), ", "),
                self.stage(*stage)
            ),
            Signal::LargeEarly { stage, quarter } => write!(
                s,
                "{} in {}, closing this quarter ({quarter})",
                self.money(),
                self.stage(*stage)
            ),
            Signal::NoChampion { stage } => write!(
                s,
                "in {} with no coach or champion among the stakeholders",
                self.stage(*stage)
            ),
            Signal::Backward { moves } => {
                let moves = moves.iter().map(|m| {
                    format!(
                        "from {} to {} on {}",
                        self.stage(m.from),
                        self.stage(m.to),
                        m.on
                    )
                });
                write!(s, "moved back {}", Joined(moves, "; "))
            }
        }
    }

    fn chinese(&self, s: &mut String) -> fmt::Result {
        match &self.r.signal {
            Signal::OverdueClose(Late { date, days }) => {
                write!(s, "预计成交日 {date} 已过去 {days} 天")
            }
            Signal::NoNextStep(None) => write!(s, "没有下一步计划"),
            Signal::NoNextStep(Some(Late { date, days })) => {
                write!(s, "下一步计划应于 {date} 完成（已过去 {days} 天）")
            }
            Signal::Stale { stage, days, limit } => write!(
                s,
                "在“{}”阶段已停留 {days} 天，上限 {limit} 天",
                self.stage(*stage)
            ),
            Signal::Slipped {
                first,
                last,
                later_moves,
                out_of,
            } => {
                if *later_moves >= 2 {
                    write!(s, "预计成交日推迟了 {later_moves} 次：{first} → {last}")?;
                } else {
                    write!(s, "预计成交日改为：{first} → {last}")?;
                }
                match out_of {
                    Some(q) => write!(s, "，移出 {q}"),
                    None => Ok(()),
                }
            }
            Signal::NoEconomicBuyer { stage } => write!(
                s,
                "大客户商机已到“{}”阶段，仍未确定决策者",
                self.stage(*stage)
            ),
            Signal::SingleThreaded { mapped, expected } => {
                write!(s, "仅有 {mapped} 位决策相关人，至少应有 {expected} 位")
            }
            Signal::Opponent { contacts } => write!(
                s,
                "{} 持反对态度，且影响力高",
                Joined(self.opposed(contacts, ZH), "、")
            ),
            Signal::ExitCriteria { missing } => write!(
                s,
                "未满足阶段出口标准：{}",
                Joined(self.missing(missing, ZH), "、")
            ),
            Signal::CompetitiveNoProof { stage } => write!(
                s,
                "已到“{}”阶段，与 {} 竞争，但没有价值证明",
                self.stage(*stage),
                Joined(self.deal().competitors.iter(), "、")
            ),
            Signal::LargeEarly { stage, quarter } => write!(
                s,
                "{} 的大额商机仍在“{}”阶段，却计划本季度（{quarter}）成交",
                self.money(),
                self.stage(*stage)
            ),
            Signal::NoChampion { stage } => write!(
                s,
                "已到“{}”阶段，决策相关人中没有内线教练或拥护者",
                self.stage(*stage)
            ),
            Signal::Backward { moves } => {
                let moves = moves.iter().map(|m| {
                    format!(
                        "{} 从“{}”退回“{}”",
                        m.on,
                        self.stage(m.from),
                        self.stage(m.to)
                    )
                });
                write!(s, "阶段倒退：{}", Joined(moves, "；"))
            }
        }
    }
}

/// The brackets around an addition: opening, closing.
type Brackets = (&'static str, &'static str);

/// English brackets: "Ivo It (Head of IT)".
const EN: Brackets = (" (", ")");

/// Chinese (full-width) brackets: "王总（CIO）".
const ZH: Brackets = ("（", "）");

/// A name with an optional bracketed addition: "Ivo It (Head of IT)".
struct Titled<'a> {
    name: &'a str,
    title: Option<&'a str>,
    br: Brackets,
}

impl Display for Titled<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)?;
        if let Some(t) = self.title {
            write!(f, "{}{t}{}", self.br.0, self.br.1)?;
        }
        Ok(())
    }
}
