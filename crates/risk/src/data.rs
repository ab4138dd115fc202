//! Reading a collection's floor-price history from CSV.
//!
//! Columns (header required, order free): `timestamp` (unix seconds), `floor_price` (in whole
//! currency units), and optionally `volume` (sales in the interval) and `bid_depth` (bids
//! within 10 % of the floor). Lines starting with `#` are comments.

use std::path::Path;

/// One observation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Observation {
    /// Unix seconds.
    pub timestamp: u64,
    /// Floor price in whole currency units.
    pub floor: f64,
    /// Sales in the interval since the previous row, when given.
    pub volume: Option<f64>,
    /// Standing bids near the floor, when given.
    pub bid_depth: Option<f64>,
}

/// What is wrong with a price file.
#[derive(Debug)]
pub enum DataError {
    /// The file cannot be read or is not CSV.
    Csv(String),
    /// A required column is missing.
    MissingColumn(&'static str),
    /// A row has a bad value.
    BadRow(usize, String),
    /// Fewer than two usable rows, or timestamps not increasing.
    TooShort,
}

impl std::error::Error for DataError {}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataError::Csv(e) => write!(f, "cannot read the price CSV: {e}"),
            DataError::MissingColumn(c) => write!(f, "the price CSV has no `{c}` column"),
            DataError::BadRow(line, why) => write!(f, "price CSV row {line}: {why}"),
            DataError::TooShort => write!(
                f,
                "the price CSV needs at least two rows with strictly increasing timestamps"
            ),
        }
    }
}

/// Reads observations from a CSV file.
pub fn read_csv(path: &Path) -> Result<Vec<Observation>, DataError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| DataError::Csv(format!("{}: {e}", path.display())))?;
    parse_csv(&text)
}

/// Parses observations from CSV text.
pub fn parse_csv(text: &str) -> Result<Vec<Observation>, DataError> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| DataError::Csv(e.to_string()))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let ts = col("timestamp").ok_or(DataError::MissingColumn("timestamp"))?;
    let fl = col("floor_price").ok_or(DataError::MissingColumn("floor_price"))?;
    let (vol, depth) = (col("volume"), col("bid_depth"));
    let mut out: Vec<Observation> = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| DataError::Csv(e.to_string()))?;
        let field = |c: usize| row.get(c).unwrap_or("");
        let timestamp: u64 = field(ts)
            .parse()
            .map_err(|_| DataError::BadRow(line, format!("timestamp {:?}", field(ts))))?;
        let floor: f64 = field(fl)
            .parse()
            .map_err(|_| DataError::BadRow(line, format!("floor_price {:?}", field(fl))))?;
        if !(floor.is_finite() && floor > 0.0) {
            return Err(DataError::BadRow(
                line,
                "floor_price must be positive".into(),
            ));
        }
        let opt = |c: Option<usize>| -> Result<Option<f64>, DataError> {
            match c.map(field) {
                None | Some("") => Ok(None),
                Some(v) => v
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && *x >= 0.0)
                    .map(Some)
                    .ok_or_else(|| DataError::BadRow(line, format!("bad number {v:?}"))),
            }
        };
        if out.last().is_some_and(|o| o.timestamp >= timestamp) {
            return Err(DataError::TooShort);
        }
        out.push(Observation {
            timestamp,
            floor,
            volume: opt(vol)?,
            bid_depth: opt(depth)?,
        });
    }
    if out.len() < 2 {
        return Err(DataError::TooShort);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_required_and_optional_columns() {
        let o =
            parse_csv("# synthetic\ntimestamp,floor_price,volume\n0,10.5,3\n3600,10,\n").unwrap();
        assert_eq!(o.len(), 2);
        assert_eq!(o[0].volume, Some(3.0));
        assert_eq!(o[1].volume, None);
        assert_eq!(o[1].bid_depth, None);
    }

    #[test]
    fn refuses_bad_files() {
        assert!(matches!(
            parse_csv("time,floor_price\n0,1\n1,1\n"),
            Err(DataError::MissingColumn("timestamp"))
        ));
        assert!(matches!(
            parse_csv("timestamp,floor_price\n0,1\n0,1\n"),
            Err(DataError::TooShort)
        ));
        assert!(matches!(
            parse_csv("timestamp,floor_price\n0,-1\n1,1\n"),
            Err(DataError::BadRow(2, _))
        ));
    }
}
