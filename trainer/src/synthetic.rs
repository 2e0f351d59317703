//! A small synthetic shop for tests: shoppers with colour and type preferences who sometimes
//! buy again what they bought before. Written to a temporary directory with a schema file.

use std::fmt::Write as _;
use std::path::Path;

use crate::dataset::{AttributeColumn, EventsSchema, ItemsSchema, Schema};
use crate::rng::Rng;

pub const COLOURS: [&str; 4] = ["Red", "Blue", "Black", "White"];
pub const TYPES: [&str; 3] = ["Dress", "Top", "Trousers"];
pub const GROUPS: [&str; 2] = ["Ladies", "Men"];
pub const ITEMS: usize = 120;
pub const USERS: usize = 80;
pub const DAYS: i32 = 140;

fn item_attrs(i: usize) -> (&'static str, &'static str, &'static str) {
    (COLOURS[i % 4], TYPES[(i / 4) % 3], GROUPS[(i / 12) % 2])
}

/// The schema of the synthetic files.
pub fn schema() -> Schema {
    let attr = |name: &str, column: &str| AttributeColumn {
        name: name.into(),
        column: column.into(),
    };
    Schema {
        items: ItemsSchema {
            file: "items.csv".into(),
            id_column: "article_id".into(),
            attributes: vec![
                attr("colour", "colour_name"),
                attr("productType", "type_name"),
                attr("indexGroup", "group_name"),
            ],
            group: Some(attr("productCode", "product_code")),
        },
        events: EventsSchema {
            files: vec!["events.csv".into()],
            user_column: "customer_id".into(),
            item_column: "article_id".into(),
            date_column: "t_dat".into(),
            price_column: Some("price".into()),
            kind_column: None,
        },
        pool_attribute: "indexGroup".into(),
    }
}

/// Writes `items.csv`, `events.csv` and `schema.json` into `dir`.
pub fn write(dir: &Path, seed: u64) {
    let mut items = String::from("article_id,product_code,colour_name,type_name,group_name\n");
    for i in 0..ITEMS {
        let (c, t, g) = item_attrs(i);
        let _ = writeln!(items, "{i:06},{},{c},{t},{g}", i / 2);
    }
    let mut rng = Rng::new(seed);
    let mut events = String::from("t_dat,customer_id,article_id,price\n");
    let start = crate::dataset::parse_day("2020-01-01").unwrap_or(0);
    for day in 0..DAYS {
        for u in 0..USERS {
            if rng.next_f32() > 0.12 {
                continue;
            }
            let (colour, kind, group) = (u % 4, (u / 4) % 3, (u / 12) % 2);
            for _ in 0..1 + rng.below(2) {
                let item = if rng.next_f32() < 0.7 {
                    // A preferred item: matching colour, type and group, one of its variants.
                    let base = group * 12 + kind * 4 + colour;
                    base + 24 * rng.below(ITEMS / 24)
                } else {
                    rng.below(ITEMS)
                };
                let price = 10.0 + (item % 7) as f32 * 5.0;
                let date = crate::dataset::format_day(start + day);
                let _ = writeln!(events, "{date},user{u:03},{item:06},{price}");
            }
        }
    }
    let _ = std::fs::write(dir.join("items.csv"), items);
    let _ = std::fs::write(dir.join("events.csv"), events);
    let _ = std::fs::write(
        dir.join("schema.json"),
        serde_json::to_string_pretty(&schema()).unwrap_or_default(),
    );
}
