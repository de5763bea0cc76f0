//! Percentiles and the printed table.

/// The nearest-rank percentile (`p` in 0..=100) of `values`; None when empty.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    Some(v[rank.clamp(1, v.len()) - 1])
}

/// One row of the result: a metric measured for the app and for the reference.
pub struct Row<'a> {
    pub metric: &'a str,
    pub app: &'a [f64],
    pub minimal: &'a [f64],
    /// The DESIGN §7 limit on app ÷ minimal at p50, if there is one.
    pub target: Option<f64>,
}

pub fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<30} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}  {}\n",
        "metric", "app p50", "app p99", "min p50", "min p99", "ratio p50", "ratio p99", "target"
    );
    for r in rows {
        let q = |v: &[f64], p| percentile(v, p).unwrap_or(f64::NAN);
        let (a50, a99, m50, m99) =
            (q(r.app, 50.0), q(r.app, 99.0), q(r.minimal, 50.0), q(r.minimal, 99.0));
        let target = match r.target {
            Some(t) if a50 / m50 <= t => format!("≤ {t}× met"),
            Some(t) => format!("≤ {t}× MISSED"),
            None => String::new(),
        };
        out += &format!(
            "{:<30} {a50:>9.1} {a99:>9.1} {m50:>9.1} {m99:>9.1} {:>8.2}× {:>8.2}×  {target}\n",
            r.metric,
            a50 / m50,
            a99 / m99,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v = [5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(percentile(&v, 50.0), Some(3.0));
        assert_eq!(percentile(&v, 99.0), Some(5.0));
        assert_eq!(percentile(&v, 0.0), Some(1.0));
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&hundred, 99.0), Some(99.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn the_table_shows_ratios_and_whether_the_target_is_met() {
        let t = table(&[
            Row {
                metric: "paint",
                app: &[200.0, 260.0],
                minimal: &[100.0, 130.0],
                target: Some(1.3),
            },
            Row { metric: "mem", app: &[120.0], minimal: &[100.0], target: Some(1.5) },
        ]);
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[1].contains("2.00×") && lines[1].ends_with("≤ 1.3× MISSED"), "{t}");
        assert!(lines[2].contains("1.20×") && lines[2].ends_with("≤ 1.5× met"), "{t}");
    }
}
