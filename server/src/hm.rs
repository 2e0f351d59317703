//! Loads the H&M catalogue and last-week transactions (`--data DIR`) into a [`Catalog`] and
//! its baskets, through the trainer's dataset reader (`vitrine_trainer::dataset`), so the
//! server and the trainer read the data with the same code.
//!
//! - Only articles sold in the week are kept (about 18,000 of 105,542), so the shop is
//!   browsable and every product has a price: the median price paid for it, × 590. Every H&M
//!   price is a multiple of 1/59000, so this turns each into a two-decimal amount (e.g. 19.99);
//!   the real currency is unknown.
//! - `weeklySales` is units sold in the week (a repeated row is one more unit); `ageDays` is
//!   days from the article's first sale in the week to the week's last day (new arrivals).
//! - A basket is one customer's purchases on one day.

use std::collections::{HashMap, HashSet};
use std::io::BufReader;
use std::path::Path;

use thiserror::Error;
use vitrine_trainer::dataset::{self, AttributeColumn, DatasetError, Schema};

use crate::catalog::{Catalog, Product};
use crate::swatch;

/// The articles file.
pub const ARTICLES: &str = "hm_articles.csv.gz";
/// The final-week transactions file.
pub const TRANSACTIONS: &str = "hm_transactions_last_week.csv.gz";
/// Every H&M price is an integer multiple of 1/59000: × 590 gives hundredths.
const PRICE_SCALE: f64 = 590.0;
/// The attribute the display name is read into (removed from the SDK-facing attributes).
const NAME: &str = "name";

/// Why the H&M data could not be loaded.
#[derive(Debug, Error)]
pub enum HmError {
    /// The trainer's reader failed.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// The descriptions could not be read.
    #[error("{path}: {message}")]
    Descriptions {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// Whether `dir` holds the two files this loader needs.
pub fn present(dir: &Path) -> bool {
    dir.join(ARTICLES).is_file() && dir.join(TRANSACTIONS).is_file()
}

/// The trainer's H&M schema, reading only the final week, plus the display name.
fn schema() -> Schema {
    let mut schema = Schema::hm();
    schema.items.attributes.push(AttributeColumn {
        name: NAME.into(),
        column: "prod_name".into(),
    });
    schema.events.files = vec![TRANSACTIONS.into()];
    schema
}

/// Per-article sales figures of the week.
#[derive(Default)]
struct Sales {
    units: u32,
    prices: Vec<f32>,
    first_day: i32,
}

/// Loads the catalogue (articles sold in the week) and the week's baskets.
pub fn load(dir: &Path) -> Result<(Catalog, Vec<Vec<String>>), HmError> {
    let data = dataset::read(dir, &schema())?;
    let mut sales: HashMap<u32, Sales> = HashMap::new();
    let mut baskets: Vec<Vec<String>> = Vec::new();
    let mut last_key = None;
    let mut last_day = i32::MIN;
    for tx in &data.events {
        let entry = sales.entry(tx.item).or_insert_with(|| Sales {
            first_day: tx.day,
            ..Sales::default()
        });
        entry.units += 1;
        entry.first_day = entry.first_day.min(tx.day);
        if tx.price.is_finite() {
            entry.prices.push(tx.price);
        }
        last_day = last_day.max(tx.day);
        // Events are sorted by (day, user): a basket is a run of one key.
        let key = (tx.day, tx.user);
        if last_key != Some(key) {
            baskets.push(Vec::new());
            last_key = Some(key);
        }
        if let (Some(basket), Some(id)) =
            (baskets.last_mut(), data.catalog.ids.get(tx.item as usize))
        {
            basket.push(id.clone());
        }
    }
    let mut sold: Vec<u32> = sales.keys().copied().collect();
    sold.sort_unstable_by(|a, b| data.catalog.ids[*a as usize].cmp(&data.catalog.ids[*b as usize]));
    let wanted: HashSet<&str> = sold
        .iter()
        .map(|&i| data.catalog.ids[i as usize].as_str())
        .collect();
    let descriptions = read_descriptions(&dir.join(ARTICLES), &wanted)?;
    let mut products = Vec::with_capacity(sold.len());
    for item in sold {
        let Some(s) = sales.get_mut(&item) else {
            continue;
        };
        let Some(price) =
            median(&mut s.prices).map(|p| (f64::from(p) * PRICE_SCALE * 100.0).round() / 100.0)
        else {
            continue;
        };
        let id = data.catalog.ids[item as usize].clone();
        let mut attributes = data.catalog.attributes(item);
        let name = attributes.remove(NAME).unwrap_or_else(|| id.clone());
        let swatch = attributes.get("colour").map(|c| swatch::css(c).to_owned());
        products.push(Product {
            description: descriptions.get(id.as_str()).cloned().unwrap_or_default(),
            id,
            name,
            attributes,
            price,
            swatch,
            weekly_sales: s.units,
            age_days: u32::try_from(last_day - s.first_day).unwrap_or(0),
        });
    }
    let catalog = Catalog {
        source: "H&M Personalized Fashion Recommendations (final week)".into(),
        currency: "EUR".into(),
        products,
    };
    Ok((catalog, baskets))
}

/// The median of a list (sorted in place), `None` when empty.
fn median(values: &mut [f32]) -> Option<f32> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable_by(f32::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

/// `detail_desc` per wanted article. The trainer's reader interns attribute values and drops
/// those over the SDK's 128-byte attribute limit; half the descriptions are longer, and they
/// are display text, not attributes, so they are read here (two columns, nothing else).
fn read_descriptions(
    path: &Path,
    wanted: &HashSet<&str>,
) -> Result<HashMap<String, String>, HmError> {
    let fail = |message: String| HmError::Descriptions {
        path: path.display().to_string(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    let mut rdr = csv::Reader::from_reader(flate2::read::MultiGzDecoder::new(BufReader::new(file)));
    let headers = rdr.headers().map_err(|e| fail(e.to_string()))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| fail(format!("no column `{name}`")))
    };
    let (id_col, desc_col) = (col("article_id")?, col("detail_desc")?);
    let mut out = HashMap::with_capacity(wanted.len());
    let mut record = csv::StringRecord::new();
    while rdr
        .read_record(&mut record)
        .map_err(|e| fail(e.to_string()))?
    {
        let id = record.get(id_col).unwrap_or("").trim();
        if wanted.contains(id) {
            let text = record.get(desc_col).unwrap_or("").trim();
            out.insert(id.to_owned(), text.chars().take(2000).collect());
        }
    }
    Ok(out)
}
