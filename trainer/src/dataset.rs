//! The dataset reader: a catalogue CSV and one or more event CSVs, described by a [`Schema`].
//!
//! ## Schema
//!
//! - **Items file**: CSV with a header row, one row per item: an id column, one column per
//!   embedded attribute (`name` is the retailer-facing attribute name the SDK sees, `column`
//!   the CSV header), and optionally a group column (variants of one product).
//! - **Event files**: CSV with a header row, one row per event: user id, item id, date
//!   (`YYYY-MM-DD`, optionally followed by a time, which is ignored), optional price, and an
//!   optional event type column (`purchase`, `view`, …; default `purchase`). A row repeated
//!   verbatim counts as one more unit.
//! - Files ending in `.gz` are gunzipped on the fly. Ids are always read as text (leading
//!   zeros matter).
//! - When several event files are given, a file's rows for a (user, day) already present in an
//!   earlier file are skipped: the H&M customer sample and the final-week file overlap on
//!   exactly such days.
//!
//! [`Schema::hm`] is the H&M instance (articles + transactions). A schema can also be read
//! from JSON (`--schema FILE`, same field names in camelCase).

use std::collections::{HashMap, HashSet};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;
use vitrine::event::EventKind;
use vitrine::product::Attributes;

mod schema;
pub use schema::*;

/// Why the dataset could not be read.
#[derive(Debug, Error)]
pub enum DatasetError {
    /// A file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A CSV file is malformed.
    #[error("{path}: {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
    /// A column the schema names is absent.
    #[error("{path} has no column `{column}`")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
    },
    /// The schema file is invalid.
    #[error("schema: {0}")]
    Schema(String),
    /// Nothing usable was read.
    #[error("{0}")]
    Empty(String),
}

/// Provenance of one input file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
    /// File name.
    pub name: String,
    /// SHA-256 of the file as stored.
    pub sha256: String,
    /// Data rows read.
    pub rows: usize,
    /// Rows skipped (unknown item, bad date or price, overlapping day).
    pub skipped: usize,
}

/// The catalogue: items and their attribute values, interned.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Embedded attribute names, in schema order.
    pub attribute_names: Vec<String>,
    /// The group attribute name, if any.
    pub group_name: Option<String>,
    /// Item ids by index.
    pub ids: Vec<String>,
    /// Item index by id.
    pub index: HashMap<String, u32>,
    /// Per attribute, its distinct values.
    pub values: Vec<Vec<String>>,
    /// Item × attribute value index (`u32::MAX` = missing), row-major.
    item_values: Vec<u32>,
    /// Group value per item (`u32::MAX` = missing) and the group values.
    groups: Vec<u32>,
    group_values: Vec<String>,
}

/// Marks a missing value.
pub const MISSING: u32 = u32::MAX;

impl Catalog {
    /// Number of items.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the catalogue is empty.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Value index of attribute `attr` for `item` ([`MISSING`] when absent).
    pub fn value(&self, item: u32, attr: usize) -> u32 {
        let n = self.attribute_names.len();
        self.item_values
            .get(item as usize * n + attr)
            .copied()
            .unwrap_or(MISSING)
    }

    /// The group value index of an item ([`MISSING`] when absent).
    pub fn group(&self, item: u32) -> u32 {
        self.groups.get(item as usize).copied().unwrap_or(MISSING)
    }

    /// An item's attributes as the SDK sees them (group included).
    pub fn attributes(&self, item: u32) -> Attributes {
        let mut out = Attributes::new();
        for (a, name) in self.attribute_names.iter().enumerate() {
            let v = self.value(item, a);
            if let Some(value) = self.values[a].get(v as usize) {
                out.insert(name.clone(), value.clone());
            }
        }
        if let (Some(name), Some(value)) = (
            &self.group_name,
            self.group_values.get(self.group(item) as usize),
        ) {
            out.insert(name.clone(), value.clone());
        }
        out
    }
}

/// One event row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tx {
    /// Days since 1970-01-01.
    pub day: i32,
    /// User index.
    pub user: u32,
    /// Item index.
    pub item: u32,
    /// Price, NaN when unknown.
    pub price: f32,
    /// The event type.
    pub kind: EventKind,
}

/// Catalogue, events (sorted by day, user, file order) and provenance.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The catalogue.
    pub catalog: Catalog,
    /// User ids by index.
    pub users: Vec<String>,
    /// Events, sorted by (day, user).
    pub events: Vec<Tx>,
    /// Input files.
    pub files: Vec<FileInfo>,
}

fn open(path: &Path) -> Result<(Box<dyn Read>, String), DatasetError> {
    let io = |source| DatasetError::Io {
        path: path.to_owned(),
        source,
    };
    let bytes = std::fs::read(path).map_err(io)?;
    let digest = vitrine::model::sha256::sha256_hex(&bytes);
    let cursor = std::io::Cursor::new(bytes);
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(cursor)))
    } else {
        Box::new(cursor)
    };
    Ok((reader, digest))
}

fn column(headers: &csv::StringRecord, name: &str, path: &Path) -> Result<usize, DatasetError> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| DatasetError::MissingColumn {
            path: path.to_owned(),
            column: name.to_owned(),
        })
}

/// Days since 1970-01-01 of a `YYYY-MM-DD…` date, or `None`.
pub fn parse_day(text: &str) -> Option<i32> {
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1900..=2200).contains(&y) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy as i32;
    Some(era * 146_097 + doe - 719_468)
}

/// `YYYY-MM-DD` of a day number.
pub fn format_day(day: i32) -> String {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Reads the catalogue.
pub fn read_catalog(dir: &Path, schema: &ItemsSchema) -> Result<(Catalog, FileInfo), DatasetError> {
    let path = dir.join(&schema.file);
    let (reader, sha256) = open(&path)?;
    let csv_err = |source| DatasetError::Csv {
        path: path.clone(),
        source,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(reader);
    let headers = rdr.headers().map_err(csv_err)?.clone();
    let id_col = column(&headers, &schema.id_column, &path)?;
    let attr_cols = schema
        .attributes
        .iter()
        .map(|a| column(&headers, &a.column, &path))
        .collect::<Result<Vec<_>, _>>()?;
    let group_col = schema
        .group
        .as_ref()
        .map(|g| column(&headers, &g.column, &path))
        .transpose()?;
    let mut catalog = Catalog {
        attribute_names: schema.attributes.iter().map(|a| a.name.clone()).collect(),
        group_name: schema.group.as_ref().map(|g| g.name.clone()),
        values: vec![Vec::new(); attr_cols.len()],
        ..Catalog::default()
    };
    let mut interners: Vec<HashMap<String, u32>> = vec![HashMap::new(); attr_cols.len()];
    let mut group_interner: HashMap<String, u32> = HashMap::new();
    let mut info = FileInfo {
        name: schema.file.clone(),
        sha256,
        rows: 0,
        skipped: 0,
    };
    let mut record = csv::StringRecord::new();
    while rdr.read_record(&mut record).map_err(csv_err)? {
        info.rows += 1;
        let id = record.get(id_col).unwrap_or("").trim();
        if id.is_empty()
            || vitrine::product::validate_id(id).is_err()
            || catalog.index.contains_key(id)
        {
            info.skipped += 1;
            continue;
        }
        catalog
            .index
            .insert(id.to_owned(), catalog.ids.len() as u32);
        catalog.ids.push(id.to_owned());
        for (a, col) in attr_cols.iter().enumerate() {
            let value = record.get(*col).unwrap_or("").trim();
            catalog
                .item_values
                .push(intern(&mut interners[a], &mut catalog.values[a], value));
        }
        let group = group_col.map_or("", |c| record.get(c).unwrap_or("").trim());
        catalog.groups.push(intern(
            &mut group_interner,
            &mut catalog.group_values,
            group,
        ));
    }
    if catalog.is_empty() {
        return Err(DatasetError::Empty(format!(
            "{} has no items",
            path.display()
        )));
    }
    Ok((catalog, info))
}

/// Interns a value (empty or oversize values are missing).
fn intern(map: &mut HashMap<String, u32>, values: &mut Vec<String>, value: &str) -> u32 {
    if value.is_empty() || value.len() > vitrine::product::MAX_ATTRIBUTE_VALUE_LEN {
        return MISSING;
    }
    if let Some(i) = map.get(value) {
        return *i;
    }
    let i = values.len() as u32;
    values.push(value.to_owned());
    map.insert(value.to_owned(), i);
    i
}

/// Reads the catalogue and every event file.
pub fn read(dir: &Path, schema: &Schema) -> Result<Dataset, DatasetError> {
    let (catalog, items_info) = read_catalog(dir, &schema.items)?;
    let mut data = Dataset {
        catalog,
        files: vec![items_info],
        ..Dataset::default()
    };
    let mut user_index: HashMap<String, u32> = HashMap::new();
    let mut covered: HashSet<(u32, i32)> = HashSet::new();
    for file in &schema.events.files {
        let (rows, info) = read_events(
            dir,
            file,
            &schema.events,
            &mut data,
            &mut user_index,
            &covered,
        )?;
        covered.extend(rows.iter().map(|t| (t.user, t.day)));
        data.events.extend(rows);
        data.files.push(info);
    }
    if data.events.is_empty() {
        return Err(DatasetError::Empty("no usable events".into()));
    }
    // Stable: rows of one (day, user) keep their file order.
    data.events.sort_by_key(|t| (t.day, t.user));
    Ok(data)
}

fn read_events(
    dir: &Path,
    file: &str,
    schema: &EventsSchema,
    data: &mut Dataset,
    users: &mut HashMap<String, u32>,
    covered: &HashSet<(u32, i32)>,
) -> Result<(Vec<Tx>, FileInfo), DatasetError> {
    let path = dir.join(file);
    let (reader, sha256) = open(&path)?;
    let csv_err = |source| DatasetError::Csv {
        path: path.clone(),
        source,
    };
    let mut rdr = csv::ReaderBuilder::new().from_reader(reader);
    let headers = rdr.headers().map_err(csv_err)?.clone();
    let user_col = column(&headers, &schema.user_column, &path)?;
    let item_col = column(&headers, &schema.item_column, &path)?;
    let date_col = column(&headers, &schema.date_column, &path)?;
    let price_col = schema
        .price_column
        .as_deref()
        .map(|c| column(&headers, c, &path))
        .transpose()?;
    let kind_col = schema
        .kind_column
        .as_deref()
        .map(|c| column(&headers, c, &path))
        .transpose()?;
    let mut info = FileInfo {
        name: file.to_owned(),
        sha256,
        rows: 0,
        skipped: 0,
    };
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    while rdr.read_record(&mut record).map_err(csv_err)? {
        info.rows += 1;
        match parse_event(
            &record,
            [user_col, item_col, date_col],
            price_col,
            kind_col,
            data,
            users,
        ) {
            Some(tx) if !covered.contains(&(tx.user, tx.day)) => rows.push(tx),
            _ => info.skipped += 1,
        }
    }
    Ok((rows, info))
}

fn parse_event(
    record: &csv::StringRecord,
    [user_col, item_col, date_col]: [usize; 3],
    price_col: Option<usize>,
    kind_col: Option<usize>,
    data: &mut Dataset,
    users: &mut HashMap<String, u32>,
) -> Option<Tx> {
    let item = *data.catalog.index.get(record.get(item_col)?.trim())?;
    let day = parse_day(record.get(date_col)?.trim())?;
    let price = match price_col.and_then(|c| record.get(c)).map(str::trim) {
        None | Some("") => f32::NAN,
        Some(text) => text
            .parse::<f64>()
            .ok()
            .filter(|p| p.is_finite() && *p >= 0.0 && *p <= vitrine::product::MAX_PRICE)?
            as f32,
    };
    let kind = match kind_col.and_then(|c| record.get(c)) {
        None => EventKind::Purchase,
        Some(text) => EventKind::parse(text.trim())?,
    };
    let user_id = record.get(user_col)?.trim();
    if user_id.is_empty() {
        return None;
    }
    let user = match users.get(user_id) {
        Some(u) => *u,
        None => {
            let u = data.users.len() as u32;
            data.users.push(user_id.to_owned());
            users.insert(user_id.to_owned(), u);
            u
        }
    };
    Some(Tx {
        day,
        user,
        item,
        price,
        kind,
    })
}

#[cfg(test)]
pub(crate) mod tests;
