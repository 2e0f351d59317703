use super::*;
use proptest::prelude::*;

/// A fresh directory under the system temp dir (removed by the caller's guard).
pub(crate) struct TempDir(pub PathBuf);

impl TempDir {
    pub(crate) fn new(tag: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("vitrine-trainer-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(crate) fn tiny_schema() -> Schema {
    Schema {
        items: ItemsSchema {
            file: "items.csv".into(),
            id_column: "id".into(),
            attributes: vec![
                AttributeColumn {
                    name: "colour".into(),
                    column: "colour_name".into(),
                },
                AttributeColumn {
                    name: "indexGroup".into(),
                    column: "group_name".into(),
                },
            ],
            group: Some(AttributeColumn {
                name: "productCode".into(),
                column: "code".into(),
            }),
        },
        events: EventsSchema {
            files: vec!["a.csv".into(), "b.csv.gz".into()],
            user_column: "user".into(),
            item_column: "item".into(),
            date_column: "date".into(),
            price_column: Some("price".into()),
            kind_column: None,
        },
        pool_attribute: "indexGroup".into(),
    }
}

fn gzip(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap()
}

#[test]
fn reads_catalog_and_events_with_overlap_rule() {
    let dir = TempDir::new("read");
    std::fs::write(
        dir.0.join("items.csv"),
        "id,code,colour_name,group_name\n0001,1,Red,Ladies\n0002,1,,Ladies\n0003,2,\"Blue, dark\",Men\n",
    )
    .unwrap();
    std::fs::write(
        dir.0.join("a.csv"),
        "date,user,item,price\n2020-01-02,u1,0001,0.5\n2020-01-01,u2,0003,1\n2020-01-03,u1,9999,1\nbad-date,u1,0001,1\n",
    )
    .unwrap();
    // u1 on 2020-01-02 is already covered by a.csv: skipped. u3 is new.
    std::fs::write(
        dir.0.join("b.csv.gz"),
        gzip("date,user,item,price\n2020-01-02,u1,0002,0.5\n2020-01-02,u3,0002,\n2020-01-02,u3,0002,-1\n"),
    )
    .unwrap();
    let data = read(&dir.0, &tiny_schema()).unwrap();
    assert_eq!(data.catalog.ids, ["0001", "0002", "0003"]);
    assert_eq!(data.catalog.attributes(1).get("colour"), None);
    assert_eq!(data.catalog.attributes(2)["colour"], "Blue, dark");
    assert_eq!(data.catalog.attributes(0)["productCode"], "1");
    assert_eq!(data.catalog.group(0), data.catalog.group(1));
    assert_eq!(data.users, ["u1", "u2", "u3"]);
    let summary: Vec<(String, &str)> = data
        .events
        .iter()
        .map(|t| {
            (
                format_day(t.day),
                data.catalog.ids[t.item as usize].as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("2020-01-01".to_owned(), "0003"),
            ("2020-01-02".to_owned(), "0001"),
            ("2020-01-02".to_owned(), "0002")
        ]
    );
    assert!(data.events[2].price.is_nan());
    assert_eq!(data.files[1].skipped, 2);
    assert_eq!(data.files[2].skipped, 2);
    assert_eq!(data.files[0].sha256.len(), 64);
}

#[test]
fn missing_columns_and_files_are_typed_errors() {
    let dir = TempDir::new("errors");
    assert!(matches!(
        read(&dir.0, &tiny_schema()),
        Err(DatasetError::Io { .. })
    ));
    std::fs::write(dir.0.join("items.csv"), "id,colour_name\n1,Red\n").unwrap();
    assert!(matches!(
        read(&dir.0, &tiny_schema()),
        Err(DatasetError::MissingColumn { column, .. }) if column == "group_name"
    ));
}

#[test]
fn hm_schema_round_trips_as_json() {
    let json = serde_json::to_string(&Schema::hm()).unwrap();
    let back: Schema = serde_json::from_str(&json).unwrap();
    assert_eq!(back, Schema::hm());
}

proptest! {
    #[test]
    fn day_numbers_round_trip(day in -25_000i32..80_000) {
        prop_assert_eq!(parse_day(&format_day(day)), Some(day));
    }

    #[test]
    fn parse_day_never_panics(text in ".{0,20}") {
        let _ = parse_day(&text);
    }
}

#[test]
fn known_days() {
    assert_eq!(parse_day("1970-01-01"), Some(0));
    assert_eq!(parse_day("2020-09-22"), Some(18_527));
    assert_eq!(parse_day("2020-09-22 13:00:00"), Some(18_527));
    assert_eq!(parse_day("2020-13-01"), None);
    assert_eq!(format_day(18_527), "2020-09-22");
}
