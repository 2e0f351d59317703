//! Reading the H&M files (gzip CSV) at run time. Nothing read here is ever written into the
//! repository: the evaluation writes only aggregate metrics.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;
use thiserror::Error;
use vitrine::product::Attributes;

/// The customer-sample transactions (2-year histories of 1,364 customers).
pub const TRANSACTIONS: &str = "hm_transactions_customer_sample.csv.gz";
/// The full catalogue.
pub const ARTICLES: &str = "hm_articles.csv.gz";

/// H&M column → the SDK attribute name the evaluation sends.
pub const ATTRIBUTE_COLUMNS: [(&str, &str); 6] = [
    ("product_type_name", "productType"),
    ("colour_group_name", "colour"),
    ("graphical_appearance_name", "pattern"),
    ("department_name", "department"),
    ("index_group_name", "indexGroup"),
    ("garment_group_name", "garmentGroup"),
];

/// Why the data could not be read.
#[derive(Debug, Error)]
pub enum DataError {
    /// The data folder or a file in it is missing.
    #[error(
        "H&M data not found: {0} is missing.\n\
         The quiz evaluation reads the research data at run time from ../shared/data (or --data DIR); \
         it is never part of the repository. See ../shared/data/README.md."
    )]
    Missing(PathBuf),
    /// A file could not be read or parsed.
    #[error("cannot read {file}: {message}")]
    Read {
        /// Which file.
        file: String,
        /// What went wrong.
        message: String,
    },
}

/// One purchase row.
#[derive(Debug, Clone)]
pub struct Purchase {
    /// Days since 1970-01-01.
    pub day: i32,
    /// The customer, numbered in order of first appearance.
    pub customer: u32,
    /// Index into [`Data::articles`].
    pub article: u32,
    /// Normalised price.
    pub price: f64,
}

/// One article, with the SDK's attribute names.
#[derive(Debug, Clone)]
pub struct Article {
    /// The 10-digit id.
    pub id: String,
    /// `prod_name`.
    pub name: String,
    /// Attributes under the SDK's names.
    pub attributes: Attributes,
}

/// The loaded data.
pub struct Data {
    /// Purchases sorted by (day, customer).
    pub purchases: Vec<Purchase>,
    /// Articles that appear in the purchases, indexed.
    pub articles: Vec<Article>,
}

fn open(dir: &Path, name: &str) -> Result<csv::Reader<GzDecoder<BufReader<File>>>, DataError> {
    let path = dir.join(name);
    let file = File::open(&path).map_err(|_| DataError::Missing(path.clone()))?;
    Ok(csv::ReaderBuilder::new().from_reader(GzDecoder::new(BufReader::new(file))))
}

fn read_err(file: &str, e: impl std::fmt::Display) -> DataError {
    DataError::Read {
        file: file.to_owned(),
        message: e.to_string(),
    }
}

/// Days since the epoch of a `YYYY-MM-DD` date (proleptic Gregorian).
pub fn day_number(date: &str) -> Option<i32> {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Loads the customer-sample purchases and the articles they mention.
pub fn load(dir: &Path) -> Result<Data, DataError> {
    if !dir.is_dir() {
        return Err(DataError::Missing(dir.to_path_buf()));
    }
    let mut customer_index: HashMap<String, u32> = HashMap::new();
    let mut article_index: HashMap<String, u32> = HashMap::new();
    let mut article_ids: Vec<String> = Vec::new();
    let mut purchases = Vec::new();
    let mut rdr = open(dir, TRANSACTIONS)?;
    for row in rdr.records() {
        let row = row.map_err(|e| read_err(TRANSACTIONS, e))?;
        let (Some(date), Some(customer), Some(article), Some(price)) =
            (row.get(0), row.get(1), row.get(2), row.get(3))
        else {
            return Err(read_err(TRANSACTIONS, "a row has fewer than 4 columns"));
        };
        let day =
            day_number(date).ok_or_else(|| read_err(TRANSACTIONS, format!("bad date {date:?}")))?;
        let price: f64 = price
            .parse()
            .map_err(|_| read_err(TRANSACTIONS, format!("bad price {price:?}")))?;
        let next_c = customer_index.len() as u32;
        let c = *customer_index.entry(customer.to_owned()).or_insert(next_c);
        let next_a = article_ids.len() as u32;
        let a = *article_index.entry(article.to_owned()).or_insert_with(|| {
            article_ids.push(article.to_owned());
            next_a
        });
        purchases.push(Purchase {
            day,
            customer: c,
            article: a,
            price,
        });
    }
    purchases.sort_by_key(|p| (p.day, p.customer, p.article));
    let wanted: HashSet<&str> = article_ids.iter().map(String::as_str).collect();
    let mut found: BTreeMap<u32, Article> = BTreeMap::new();
    let mut rdr = open(dir, ARTICLES)?;
    let headers = rdr.headers().map_err(|e| read_err(ARTICLES, e))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| read_err(ARTICLES, format!("no column {name}")))
    };
    let id_col = col("article_id")?;
    let name_col = col("prod_name")?;
    let attr_cols: Vec<(usize, &str)> = ATTRIBUTE_COLUMNS
        .iter()
        .map(|(c, a)| col(c).map(|i| (i, *a)))
        .collect::<Result<_, _>>()?;
    for row in rdr.records() {
        let row = row.map_err(|e| read_err(ARTICLES, e))?;
        let Some(id) = row.get(id_col).filter(|id| wanted.contains(id)) else {
            continue;
        };
        let attributes = attr_cols
            .iter()
            .filter_map(|(i, a)| {
                row.get(*i)
                    .filter(|v| !v.is_empty())
                    .map(|v| ((*a).to_owned(), v.to_owned()))
            })
            .collect();
        let article = Article {
            id: id.to_owned(),
            name: row.get(name_col).unwrap_or_default().to_owned(),
            attributes,
        };
        found.insert(article_index[id], article);
    }
    if found.len() != article_ids.len() {
        return Err(read_err(
            ARTICLES,
            format!(
                "{} purchased articles are not in the catalogue",
                article_ids.len() - found.len()
            ),
        ));
    }
    Ok(Data {
        purchases,
        articles: found.into_values().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_match_the_calendar() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2020-09-22"), Some(18_527));
        assert_eq!(
            day_number("2020-03-01").unwrap() - day_number("2020-02-28").unwrap(),
            2
        );
        assert_eq!(day_number("2020-13-01"), None);
        assert_eq!(day_number("yesterday"), None);
    }

    #[test]
    fn a_missing_folder_is_a_clear_error() {
        let err = load(Path::new("/definitely/not/here")).err().unwrap();
        assert!(err.to_string().contains("H&M data not found"));
    }
}
