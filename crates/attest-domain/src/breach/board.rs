//! The termly report to the trust board: how many breaches were discovered in a term,
//! where, of what kind and risk, what was reported to the ICO (and how late), how long
//! triage and reporting took, and what is still open or overdue. Counts only: no
//! descriptions, so nothing of a special category reaches the board's papers.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::categories::RiskLevel;
use super::clock::ICO_HOURS;
use super::ico_form::IncidentType;
use super::status::BreachStatus;
use crate::{DomainError, LONDON};

/// The days a board report covers, in England: `from` up to and not including `until`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BoardPeriod {
    pub label: String,
    /// `autumn-2026` for a term (what `term` reads back), `None` for a run of days.
    pub term: Option<String>,
    pub from: NaiveDate,
    pub until: NaiveDate,
}

/// Board terms by calendar month, as trusts minute them: autumn September–December,
/// spring January–March, summer April–August.
const TERMS: [(&str, u32, u32); 3] = [("autumn", 9, 13), ("spring", 1, 4), ("summer", 4, 9)];

impl BoardPeriod {
    /// `autumn-2026`, `spring-2027`, `summer-2027`.
    pub fn term(raw: &str) -> Result<Self, DomainError> {
        let invalid = || {
            DomainError::invalid(
                "term",
                format!("'{raw}' is not a term such as autumn-2026, spring-2027 or summer-2027"),
            )
        };
        let (name, year) = raw
            .trim()
            .to_ascii_lowercase()
            .split_once('-')
            .map_or_else(
                || Err(invalid()),
                |(name, year)| Ok((name.to_owned(), year.parse::<i32>().map_err(|_| invalid())?)),
            )?;
        let &(name, first, after) = TERMS
            .iter()
            .find(|(term, _, _)| *term == name)
            .ok_or_else(invalid)?;
        let day =
            |year: i32, month: u32| NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(invalid);
        let until = if after == 13 {
            day(year + 1, 1)?
        } else {
            day(year, after)?
        };
        let mut label = name.to_owned();
        label[..1].make_ascii_uppercase();
        Ok(Self {
            label: format!("{label} term {year}"),
            term: Some(format!("{name}-{year}")),
            from: day(year, first)?,
            until,
        })
    }

    /// The term a day falls in.
    pub fn term_of(day: NaiveDate) -> Self {
        let name = match day.month() {
            9..=12 => "autumn",
            1..=3 => "spring",
            _ => "summer",
        };
        Self::term(&format!("{name}-{}", day.year())).unwrap_or_else(|_| Self {
            label: day.to_string(),
            term: None,
            from: day,
            until: day,
        })
    }

    /// The period someone asked for: a term, a run of days, or the term `today` is in.
    pub fn chosen(
        term: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        match (term.filter(|text| !text.trim().is_empty()), from, to) {
            (Some(term), None, None) => Self::term(term),
            (None, Some(from), Some(to)) => Self::days(from, to),
            (None, None, None) => Ok(Self::term_of(today)),
            _ => Err(DomainError::invalid(
                "term",
                "give a term (e.g. autumn-2026), or both from and to",
            )),
        }
    }

    /// Any run of days (`until` inclusive, as people say it).
    pub fn days(from: NaiveDate, to: NaiveDate) -> Result<Self, DomainError> {
        if to < from {
            return Err(DomainError::invalid("to", "is before from"));
        }
        if (to - from).num_days() > 800 {
            return Err(DomainError::invalid(
                "to",
                "a board report covers at most two years",
            ));
        }
        Ok(Self {
            label: format!("{} to {}", from.format("%-d %B %Y"), to.format("%-d %B %Y")),
            term: None,
            from,
            until: to.succ_opt().unwrap_or(to),
        })
    }

    fn starts(day: NaiveDate) -> DateTime<Utc> {
        day.and_hms_opt(0, 0, 0)
            .and_then(|midnight| midnight.and_local_timezone(LONDON).earliest())
            .map_or_else(
                || day.and_time(chrono::NaiveTime::MIN).and_utc(),
                |at| at.with_timezone(&Utc),
            )
    }

    /// The first instant of the period (midnight in England).
    pub fn start(&self) -> DateTime<Utc> {
        Self::starts(self.from)
    }

    /// The first instant after it.
    pub fn end(&self) -> DateTime<Utc> {
        Self::starts(self.until)
    }
}

/// What the report needs of one breach.
#[derive(Debug, Clone)]
pub struct BoardEntry {
    pub schools: Vec<String>,
    pub status: BreachStatus,
    pub incident_type: Option<IncidentType>,
    /// `None` until assessed.
    pub risk: Option<RiskLevel>,
    pub decided_not_to_report: bool,
    pub reported_at: DateTime<Utc>,
    /// When the ICO's clock started (awareness, or the discovery before triage).
    pub clock_start: DateTime<Utc>,
    pub triaged_at: Option<DateTime<Utc>>,
    pub first_ico_report_at: Option<DateTime<Utc>>,
    pub overdue: bool,
}

/// One line of a breakdown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BoardCount {
    pub label: String,
    pub count: usize,
}

/// How long something took, in hours.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct BoardSpread {
    pub median_hours: f64,
    pub longest_hours: f64,
    pub of: usize,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BoardReport {
    pub period: BoardPeriod,
    pub total: usize,
    /// A breach at two schools counts at each.
    pub by_school: Vec<BoardCount>,
    pub by_incident_type: Vec<BoardCount>,
    pub by_risk: Vec<BoardCount>,
    pub reported_to_ico: usize,
    /// First told to the ICO more than 72 hours after the clock started.
    pub reported_late: usize,
    /// Assessed, and decided with reasons not to tell the ICO.
    pub not_reported: usize,
    pub not_a_breach: usize,
    pub still_open: usize,
    pub overdue: usize,
    /// From the report reaching the DPO to triage.
    pub time_to_triage: Option<BoardSpread>,
    /// From the clock starting to the first report to the ICO.
    pub time_to_report: Option<BoardSpread>,
}

fn hours(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    // Minutes fit an f64 exactly for any real span.
    #[allow(clippy::cast_precision_loss)]
    let minutes = (to - from).num_minutes().max(0) as f64;
    (minutes / 6.0).round() / 10.0
}

fn spread(mut values: Vec<f64>) -> Option<BoardSpread> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    let median = if values.len().is_multiple_of(2) {
        f64::midpoint(values[middle - 1], values[middle])
    } else {
        values[middle]
    };
    Some(BoardSpread {
        median_hours: (median * 10.0).round() / 10.0,
        longest_hours: values[values.len() - 1],
        of: values.len(),
    })
}

/// Largest first, then by name.
fn counted(counts: BTreeMap<String, usize>) -> Vec<BoardCount> {
    let mut counts: Vec<BoardCount> = counts
        .into_iter()
        .map(|(label, count)| BoardCount { label, count })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    counts
}

impl BoardReport {
    /// The report of the breaches discovered in `period` (the caller passes those).
    pub fn build(period: BoardPeriod, entries: &[BoardEntry]) -> Self {
        let mut by_school = BTreeMap::new();
        let mut by_type = BTreeMap::new();
        let mut by_risk = BTreeMap::new();
        for entry in entries {
            for school in &entry.schools {
                *by_school.entry(school.clone()).or_insert(0) += 1;
            }
            let kind = entry
                .incident_type
                .map_or_else(|| "Not yet known".to_owned(), IncidentType::label);
            *by_type.entry(kind).or_insert(0) += 1;
            let risk = match (entry.status, entry.risk) {
                (BreachStatus::ClosedNotABreach, _) => "Not a breach".to_owned(),
                (_, Some(risk)) => risk.sentence(),
                (_, None) => "Not assessed yet".to_owned(),
            };
            *by_risk.entry(risk).or_insert(0) += 1;
        }
        let reported: Vec<&BoardEntry> = entries
            .iter()
            .filter(|entry| entry.first_ico_report_at.is_some())
            .collect();
        Self {
            period,
            total: entries.len(),
            by_school: counted(by_school),
            by_incident_type: counted(by_type),
            by_risk: counted(by_risk),
            reported_to_ico: reported.len(),
            reported_late: reported
                .iter()
                .filter(|entry| {
                    entry.first_ico_report_at.is_some_and(|at| {
                        at > entry.clock_start + chrono::Duration::hours(ICO_HOURS)
                    })
                })
                .count(),
            not_reported: entries
                .iter()
                .filter(|entry| entry.decided_not_to_report && entry.first_ico_report_at.is_none())
                .count(),
            not_a_breach: entries
                .iter()
                .filter(|entry| entry.status == BreachStatus::ClosedNotABreach)
                .count(),
            still_open: entries
                .iter()
                .filter(|entry| entry.status.is_open())
                .count(),
            overdue: entries.iter().filter(|entry| entry.overdue).count(),
            time_to_triage: spread(
                entries
                    .iter()
                    .filter_map(|entry| Some(hours(entry.reported_at, entry.triaged_at?)))
                    .collect(),
            ),
            time_to_report: spread(
                reported
                    .iter()
                    .filter_map(|entry| Some(hours(entry.clock_start, entry.first_ico_report_at?)))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, day, hour, 0, 0)
            .single()
            .expect("a time")
    }

    fn entry(school: &str, status: BreachStatus) -> BoardEntry {
        BoardEntry {
            schools: vec![school.to_owned()],
            status,
            incident_type: None,
            risk: None,
            decided_not_to_report: false,
            reported_at: at(5, 9),
            clock_start: at(5, 8),
            triaged_at: None,
            first_ico_report_at: None,
            overdue: false,
        }
    }

    #[test]
    fn a_period_is_a_term_or_both_ends_or_the_current_term() {
        let today = NaiveDate::from_ymd_opt(2027, 2, 10).expect("day");
        let from = NaiveDate::from_ymd_opt(2026, 10, 1);
        let to = NaiveDate::from_ymd_opt(2026, 10, 31);
        assert_eq!(
            BoardPeriod::chosen(None, None, None, today).map(|period| period.term),
            Ok(Some("spring-2027".to_owned()))
        );
        assert_eq!(
            BoardPeriod::chosen(Some("summer-2026"), None, None, today).map(|period| period.label),
            Ok("Summer term 2026".to_owned())
        );
        assert_eq!(
            BoardPeriod::chosen(Some(" "), from, to, today).map(|period| period.term),
            Ok(None)
        );
        for (term, from, to) in [
            (Some("autumn-2026"), from, None),
            (None, from, None),
            (None, None, to),
        ] {
            assert!(
                BoardPeriod::chosen(term, from, to, today).is_err(),
                "{term:?} {from:?} {to:?}"
            );
        }
    }

    #[test]
    fn terms_are_calendar_months_in_england() {
        let autumn = BoardPeriod::term("autumn-2026").expect("autumn");
        assert_eq!(autumn.label, "Autumn term 2026");
        assert_eq!(autumn.term.as_deref(), Some("autumn-2026"));
        assert_eq!(
            autumn.from,
            NaiveDate::from_ymd_opt(2026, 9, 1).expect("day")
        );
        assert_eq!(
            autumn.until,
            NaiveDate::from_ymd_opt(2027, 1, 1).expect("day")
        );
        // Midnight in England: 1 September is in summer time (UTC+1).
        assert_eq!(
            autumn.start(),
            Utc.with_ymd_and_hms(2026, 8, 31, 23, 0, 0)
                .single()
                .expect("t")
        );
        assert_eq!(
            autumn.end(),
            Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0)
                .single()
                .expect("t")
        );
        let spring = BoardPeriod::term("Spring-2027").expect("spring");
        assert_eq!((spring.from.month(), spring.until.month()), (1, 4));
        let summer = BoardPeriod::term("summer-2027").expect("summer");
        assert_eq!((summer.from.month(), summer.until.month()), (4, 9));
        assert_eq!(
            BoardPeriod::term_of(NaiveDate::from_ymd_opt(2026, 12, 1).expect("d")),
            autumn
        );
        for bad in ["winter-2026", "autumn", "autumn-twenty", ""] {
            assert!(BoardPeriod::term(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_run_of_days_includes_its_last_day_and_is_bounded() {
        let from = NaiveDate::from_ymd_opt(2026, 10, 1).expect("d");
        let to = NaiveDate::from_ymd_opt(2026, 10, 31).expect("d");
        let period = BoardPeriod::days(from, to).expect("days");
        assert_eq!(
            period.until,
            NaiveDate::from_ymd_opt(2026, 11, 1).expect("d")
        );
        assert_eq!(period.label, "1 October 2026 to 31 October 2026");
        assert!(BoardPeriod::days(to, from).is_err());
        assert!(BoardPeriod::days(from, from + Duration::days(900)).is_err());
    }

    #[test]
    fn counts_breakdowns_and_times() {
        let mut late = entry("North", BreachStatus::Closed);
        late.incident_type = Some(IncidentType::LossOrTheftOfDevice);
        late.risk = Some(RiskLevel::HighRisk);
        late.triaged_at = Some(at(5, 11)); // 2 h after the report
        late.first_ico_report_at = Some(at(8, 20)); // 84 h after the clock started
        let mut on_time = entry("South", BreachStatus::NotifiedIco);
        on_time.incident_type = Some(IncidentType::LossOrTheftOfDevice);
        on_time.risk = Some(RiskLevel::Risk);
        on_time.triaged_at = Some(at(5, 13)); // 4 h
        on_time.first_ico_report_at = Some(at(6, 8)); // 24 h
        on_time.schools.push("North".to_owned());
        let mut kept = entry("North", BreachStatus::Closed);
        kept.risk = Some(RiskLevel::NoLikelyRisk);
        kept.decided_not_to_report = true;
        kept.triaged_at = Some(at(5, 10)); // 1 h
        let waiting = BoardEntry {
            overdue: true,
            ..entry("South", BreachStatus::Reported)
        };
        let not_one = entry("North", BreachStatus::ClosedNotABreach);
        let report = BoardReport::build(
            BoardPeriod::term("autumn-2026").expect("term"),
            &[late, on_time, kept, waiting, not_one],
        );
        assert_eq!(report.total, 5);
        assert_eq!(
            report.by_school,
            [
                BoardCount {
                    label: "North".to_owned(),
                    count: 4
                },
                BoardCount {
                    label: "South".to_owned(),
                    count: 2
                },
            ]
        );
        assert_eq!(
            report.by_incident_type,
            [
                BoardCount {
                    label: "Not yet known".to_owned(),
                    count: 3
                },
                BoardCount {
                    label: "Loss or theft of device".to_owned(),
                    count: 2
                },
            ],
            "largest first"
        );
        let risk = |label: &str| {
            report
                .by_risk
                .iter()
                .find(|c| c.label == label)
                .map(|c| c.count)
        };
        assert_eq!(risk("High risk"), Some(1));
        assert_eq!(risk("No likely risk"), Some(1));
        assert_eq!(risk("Not assessed yet"), Some(1));
        assert_eq!(risk("Not a breach"), Some(1));
        assert_eq!(report.reported_to_ico, 2);
        assert_eq!(report.reported_late, 1);
        assert_eq!(report.not_reported, 1);
        assert_eq!(report.not_a_breach, 1);
        assert_eq!(report.still_open, 2);
        assert_eq!(report.overdue, 1);
        let triage = report.time_to_triage.expect("triaged");
        assert_eq!(
            (triage.median_hours, triage.longest_hours, triage.of),
            (2.0, 4.0, 3)
        );
        let to_ico = report.time_to_report.expect("reported");
        assert_eq!(
            (to_ico.median_hours, to_ico.longest_hours, to_ico.of),
            (54.0, 84.0, 2)
        );
    }

    #[test]
    fn an_empty_term_has_no_times() {
        let report = BoardReport::build(BoardPeriod::term("spring-2027").expect("term"), &[]);
        assert_eq!(report.total, 0);
        assert!(report.time_to_triage.is_none() && report.time_to_report.is_none());
        assert!(report.by_school.is_empty());
    }
}
