//! Parsing of user input (addresses, token amounts, durations, funding specs) and the
//! formatting of amounts. Pure functions, every failure an [`InputError`].

use alloy::primitives::{Address, U256};

/// Bad input on the command line or in a file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InputError {
    /// Not a 20-byte hex address.
    #[error("bad address {0:?}: expected 0x followed by 40 hex digits")]
    Address(String),
    /// Not a decimal amount.
    #[error("bad amount {0:?}: expected a decimal number such as 12 or 12.5")]
    Amount(String),
    /// More fractional digits than the token has decimals.
    #[error("amount {0:?} has more than {1} decimal places")]
    TooPrecise(String, u8),
    /// The amount does not fit in 256 bits.
    #[error("amount {0:?} is too large")]
    TooLarge(String),
    /// Not a duration.
    #[error("bad duration {0:?}: expected seconds or a number with s, m, h or d (e.g. 30d)")]
    Duration(String),
    /// Not a whole number.
    #[error("bad number {0:?} for {1}")]
    Number(String, &'static str),
    /// A malformed line of a CSV file.
    #[error("{file}:{line}: {reason}")]
    Csv {
        /// File name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// Parses a `0x…` address (checksum not required).
pub fn parse_address(s: &str) -> Result<Address, InputError> {
    let t = s.trim();
    if !(t.len() == 42 && (t.starts_with("0x") || t.starts_with("0X"))) {
        return Err(InputError::Address(s.to_owned()));
    }
    t.parse().map_err(|_| InputError::Address(s.to_owned()))
}

/// Parses a decimal amount (`12`, `12.5`, `0.000001`) into base units of a token with
/// `decimals` decimals. Underscores are allowed as separators.
pub fn parse_amount(s: &str, decimals: u8) -> Result<U256, InputError> {
    let clean: String = s.trim().chars().filter(|c| *c != '_').collect();
    let (whole, frac) = clean.split_once('.').unwrap_or((&clean, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
        return Err(InputError::Amount(s.to_owned()));
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > usize::from(decimals) {
        return Err(InputError::TooPrecise(s.to_owned(), decimals));
    }
    let too_large = || InputError::TooLarge(s.to_owned());
    let scale = U256::from(10u8)
        .checked_pow(U256::from(decimals))
        .ok_or_else(too_large)?;
    let whole = if whole.is_empty() {
        U256::ZERO
    } else {
        U256::from_str_radix(whole, 10).map_err(|_| too_large())?
    };
    let mut frac_units = if frac.is_empty() {
        U256::ZERO
    } else {
        U256::from_str_radix(frac, 10).map_err(|_| too_large())?
    };
    let pad = u32::from(decimals) - u32::try_from(frac.len()).map_err(|_| too_large())?;
    frac_units = frac_units
        .checked_mul(
            U256::from(10u8)
                .checked_pow(U256::from(pad))
                .ok_or_else(too_large)?,
        )
        .ok_or_else(too_large)?;
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac_units))
        .ok_or_else(too_large)
}

/// Formats base units of a token with `decimals` decimals, without trailing zeros
/// (`12500000000000000000` with 18 decimals is `12.5`).
pub fn format_amount(x: U256, decimals: u8) -> String {
    let Some(scale) = U256::from(10u8).checked_pow(U256::from(decimals)) else {
        return x.to_string();
    };
    let (whole, frac) = x.div_rem(scale);
    if frac.is_zero() {
        return whole.to_string();
    }
    let frac = format!("{frac:0>width$}", width = usize::from(decimals));
    format!("{whole}.{}", frac.trim_end_matches('0'))
}

/// Parses a duration: plain seconds, or a number followed by `s`, `m`, `h` or `d`.
pub fn parse_duration(s: &str) -> Result<u64, InputError> {
    let t = s.trim();
    let bad = || InputError::Duration(s.to_owned());
    let (num, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c),
        Some(_) => (t, 's'),
        None => return Err(bad()),
    };
    let mult: u64 = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        _ => return Err(bad()),
    };
    let n: u64 = num.parse().map_err(|_| bad())?;
    n.checked_mul(mult).ok_or_else(bad)
}

/// Formats a number of seconds as `1d 2h 3m` (or `42s` under a minute).
pub fn format_duration(secs: u64) -> String {
    if secs < 60 {
        return format!("{secs}s");
    }
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    let mut out = Vec::new();
    if d > 0 {
        out.push(format!("{d}d"));
    }
    if h > 0 {
        out.push(format!("{h}h"));
    }
    if m > 0 && d == 0 {
        out.push(format!("{m}m"));
    }
    out.join(" ")
}

/// Parses a whole number for the parameter `what`.
pub fn parse_u256(s: &str, what: &'static str) -> Result<U256, InputError> {
    let t = s.trim();
    let parsed = match t.strip_prefix("0x") {
        Some(hex) => U256::from_str_radix(hex, 16),
        None => U256::from_str_radix(t, 10),
    };
    parsed.map_err(|_| InputError::Number(s.to_owned(), what))
}

/// Parses `ADDRESS` or `ADDRESS:ETHER` (default 1000 ether) for `lien node --fund`.
pub fn parse_fund(spec: &str) -> Result<(Address, U256), InputError> {
    let (addr, eth) = spec.split_once(':').unwrap_or((spec, "1000"));
    Ok((parse_address(addr)?, parse_amount(eth, 18)?))
}

/// One `collection,price` line of a price CSV.
pub type PriceRow = (Address, U256);

/// Parses a CSV of `collection,price` lines (prices in whole units with `decimals`
/// decimals). Blank lines, `#` comments and a `collection,price` header are skipped.
pub fn parse_price_csv(file: &str, text: &str, decimals: u8) -> Result<Vec<PriceRow>, InputError> {
    let mut rows = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let csv = |reason: String| InputError::Csv {
            file: file.to_owned(),
            line: i + 1,
            reason,
        };
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if rows.is_empty()
            && fields
                .first()
                .is_some_and(|f| f.eq_ignore_ascii_case("collection"))
        {
            continue;
        }
        let [collection, price] = fields.as_slice() else {
            return Err(csv(format!(
                "expected 2 fields (collection,price), found {}",
                fields.len()
            )));
        };
        let collection = parse_address(collection).map_err(|e| csv(e.to_string()))?;
        let price = parse_amount(price, decimals).map_err(|e| csv(e.to_string()))?;
        if price.is_zero() {
            return Err(csv("price must be positive".into()));
        }
        rows.push((collection, price));
    }
    if rows.is_empty() {
        return Err(InputError::Csv {
            file: file.to_owned(),
            line: 0,
            reason: "no prices in the file".into(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e18(n: u64) -> U256 {
        U256::from(n) * U256::from(10u64).pow(U256::from(18))
    }

    #[test]
    fn amounts_parse_with_decimals() {
        assert_eq!(parse_amount("12", 18), Ok(e18(12)));
        assert_eq!(parse_amount("12.5", 18), Ok(e18(125) / U256::from(10)));
        assert_eq!(parse_amount("0.000001", 6), Ok(U256::from(1)));
        assert_eq!(parse_amount(".5", 1), Ok(U256::from(5)));
        assert_eq!(parse_amount("1_000", 0), Ok(U256::from(1000)));
        assert_eq!(parse_amount("1.50", 1), Ok(U256::from(15)));
    }

    #[test]
    fn bad_amounts_are_refused() {
        assert_eq!(
            parse_amount("abc", 18),
            Err(InputError::Amount("abc".into()))
        );
        assert_eq!(parse_amount("-1", 18), Err(InputError::Amount("-1".into())));
        assert_eq!(
            parse_amount("1.2.3", 18),
            Err(InputError::Amount("1.2.3".into()))
        );
        assert_eq!(parse_amount("", 18), Err(InputError::Amount("".into())));
        assert_eq!(
            parse_amount("0.123", 2),
            Err(InputError::TooPrecise("0.123".into(), 2))
        );
        let huge = "1".repeat(80);
        assert_eq!(
            parse_amount(&huge, 0),
            Err(InputError::TooLarge(huge.clone()))
        );
        assert_eq!(parse_amount("1", 78), Err(InputError::TooLarge("1".into())));
    }

    #[test]
    fn amounts_round_trip_through_format() {
        for s in [
            "0",
            "1",
            "12.5",
            "0.000000000000000001",
            "123456789.987654321",
        ] {
            assert_eq!(format_amount(parse_amount(s, 18).unwrap(), 18), s);
        }
        assert_eq!(format_amount(U256::from(1234), 2), "12.34");
    }

    #[test]
    fn addresses_need_forty_hex_digits() {
        let a = "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E";
        assert_eq!(parse_address(a).unwrap().to_string(), a);
        assert!(parse_address("0x3f1eae7d46d88f08fc2f8ed27fcb2ab183eb2d0e").is_ok());
        assert!(matches!(
            parse_address("0x1234"),
            Err(InputError::Address(_))
        ));
        assert!(matches!(
            parse_address("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E00"),
            Err(InputError::Address(_))
        ));
        assert!(matches!(
            parse_address("0xZZ1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E"),
            Err(InputError::Address(_))
        ));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(90));
        assert_eq!(parse_duration("30d"), Ok(30 * 86_400));
        assert_eq!(parse_duration("2h"), Ok(7_200));
        assert_eq!(parse_duration("5m"), Ok(300));
        assert!(parse_duration("5w").is_err());
        assert!(parse_duration("d").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
        assert_eq!(format_duration(90_061), "1d 1h");
        assert_eq!(format_duration(3_660), "1h 1m");
        assert_eq!(format_duration(5), "5s");
    }

    #[test]
    fn fund_specs() {
        let a = "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E";
        assert_eq!(parse_fund(a).unwrap().1, e18(1000));
        assert_eq!(
            parse_fund(&format!("{a}:2.5")).unwrap().1,
            e18(25) / U256::from(10)
        );
        assert!(parse_fund("0x12:5").is_err());
        assert!(parse_fund(&format!("{a}:x")).is_err());
    }

    #[test]
    fn price_csv() {
        let a = "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E";
        let text = format!("collection,price\n# comment\n\n{a},100.5\n{a}, 7\n");
        let rows = parse_price_csv("p.csv", &text, 18).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].1, e18(1005) / U256::from(10));
        assert_eq!(rows[1].1, e18(7));
        let err = parse_price_csv("p.csv", &format!("{a},1\n{a}\n"), 18).unwrap_err();
        assert!(matches!(err, InputError::Csv { line: 2, .. }), "{err}");
        let err = parse_price_csv("p.csv", &format!("{a},0\n"), 18).unwrap_err();
        assert!(matches!(err, InputError::Csv { line: 1, .. }));
        assert!(parse_price_csv("p.csv", "# nothing\n", 18).is_err());
        assert!(parse_price_csv("p.csv", "0x12,5\n", 18).is_err());
    }
}
