//! Money: integer minor units plus an ISO 4217 currency code. Never floats.

use std::fmt;
use std::str::FromStr;

use iso_currency::Currency;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Money {
    /// Amount in the currency's minor unit (cents for EUR, yen for JPY).
    #[ts(type = "number")]
    pub minor: i64,
    pub currency: String,
}

impl Money {
    pub fn new(minor: i64, currency: &str) -> Result<Self, Error> {
        exponent(currency)?;
        Ok(Money { minor, currency: currency.to_string() })
    }
}

fn exponent(code: &str) -> Result<u32, Error> {
    let c = Currency::from_code(code).ok_or_else(|| {
        Error::invalid(
            "currency",
            format!("`{code}` is not an ISO 4217 currency code such as EUR or USD"),
        )
    })?;
    Ok(u32::from(c.exponent().unwrap_or(0)))
}

/// Parses `12.50 EUR`, `EUR 12.50`, `12000 EUR` or `-3 USD`.
impl FromStr for Money {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::invalid("amount", format!("`{s}` is not an amount like \"12.50 EUR\""));
        let parts: Vec<&str> = s.split_whitespace().collect();
        let (num, code) = match parts.as_slice() {
            [a, b] if a.chars().all(|c| c.is_ascii_alphabetic()) => (*b, *a),
            [a, b] => (*a, *b),
            _ => return Err(bad()),
        };
        let code = code.to_ascii_uppercase();
        let exp = exponent(&code)?;
        let (negative, digits) = match num.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, num),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        if frac.len() > exp as usize {
            return Err(Error::invalid(
                "amount",
                format!("{code} has {exp} decimal places; `{num}` has more"),
            ));
        }
        let scale = 10i64.pow(exp);
        let frac_val: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse::<i64>().map_err(|_| bad())? * 10i64.pow(exp - frac.len() as u32)
        };
        let minor = whole
            .parse::<i64>()
            .ok()
            .and_then(|w| w.checked_mul(scale))
            .and_then(|w| w.checked_add(frac_val))
            .ok_or_else(|| Error::invalid("amount", format!("`{num}` is too large")))?;
        Ok(Money { minor: if negative { -minor } else { minor }, currency: code })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = exponent(&self.currency).unwrap_or(2);
        if exp == 0 {
            return write!(f, "{} {}", self.minor, self.currency);
        }
        let scale = 10i64.pow(exp);
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        write!(
            f,
            "{sign}{}.{:0width$} {}",
            abs / scale as u64,
            abs % scale as u64,
            self.currency,
            width = exp as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_by_currency_exponent() {
        assert_eq!(
            "12.50 EUR".parse::<Money>().unwrap(),
            Money { minor: 1250, currency: "EUR".into() }
        );
        assert_eq!("12000 eur".parse::<Money>().unwrap().minor, 1_200_000);
        assert_eq!(
            "JPY 500".parse::<Money>().unwrap(),
            Money { minor: 500, currency: "JPY".into() }
        );
        assert_eq!("1.234 KWD".parse::<Money>().unwrap().minor, 1234);
        assert_eq!("-3.5 USD".parse::<Money>().unwrap().minor, -350);
        assert_eq!("12.5 EUR".parse::<Money>().unwrap().to_string(), "12.50 EUR");
    }

    #[test]
    fn refuses_bad_amounts() {
        for s in [
            "12.50",
            "12.505 EUR",
            "1.5 JPY",
            "abc EUR",
            "12 XYZ",
            "1e5 EUR",
            "",
            "99999999999999999999 EUR",
        ] {
            assert!(s.parse::<Money>().is_err(), "{s} accepted");
        }
    }
}
