//! The H&M loader on a tiny file of the real files' shape (the real data is never needed).

use std::io::Write;
use std::path::{Path, PathBuf};

use vitrine::features::{
    price_band_vocabulary, FeatureSpec, ProfileSettings, Vocabulary, CROSS_FEATURES,
};
use vitrine::model::{Model, ModelMetadata, Weights};
use vitrine::profile::ProfileConfig;

use crate::hm;
use crate::shop::Shop;

/// A valid (all-zero) model file, built with the SDK's own encoder.
pub(crate) fn tiny_model_bytes() -> Vec<u8> {
    let spec = FeatureSpec {
        attributes: vec![
            Vocabulary {
                name: "colour".into(),
                values: vec!["Black".into(), "Red".into()],
            },
            price_band_vocabulary(),
        ],
        group_attribute: None,
        profile: ProfileSettings::from_config(&ProfileConfig::default()),
        context: Vec::new(),
        dim: 4,
        item_embedding_dim: 0,
        hidden: 2,
        cross_features: CROSS_FEATURES.iter().map(|s| (*s).to_owned()).collect(),
    };
    let index = spec.clone().compile().expect("spec compiles");
    let metadata = ModelMetadata {
        name: "server-test".into(),
        spec,
        training: "{}".into(),
    };
    let model = Model::new(metadata, Weights::zeros(&index)).expect("model");
    model.to_bytes().expect("encode")
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write_gz(path: &Path, text: &str) {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(text.as_bytes()).expect("gzip");
    std::fs::write(path, enc.finish().expect("gzip")).expect("write");
}

const HEADER: &str = "article_id,product_code,prod_name,product_type_no,product_type_name,product_group_name,graphical_appearance_no,graphical_appearance_name,colour_group_code,colour_group_name,perceived_colour_value_id,perceived_colour_value_name,perceived_colour_master_id,perceived_colour_master_name,department_no,department_name,index_code,index_name,index_group_no,index_group_name,section_no,section_name,garment_group_no,garment_group_name,detail_desc";

fn article(id: &str, name: &str, kind: &str, colour: &str, group: &str, desc: &str) -> String {
    format!(
        "{id},{},{name},1,{kind},Garment Upper body,1,Solid,9,{colour},4,Dark,5,{colour},1,Jersey,A,Ladieswear,1,{group},1,Womens,1,Jersey Basic,\"{desc}\"",
        &id[..7],
        desc = desc.replace('"', "\"\"")
    )
}

fn dataset() -> TempDir {
    let dir =
        TempDir(std::env::temp_dir().join(format!("vitrine-server-hm-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).expect("temp dir");
    let long = "A soft jersey top, ".repeat(12);
    let articles = [
        HEADER.to_owned(),
        article(
            "0108775015",
            "Strap top",
            "Vest top",
            "Black",
            "Ladieswear",
            &long,
        ),
        article(
            "0108775044",
            "Strap top",
            "Vest top",
            "White",
            "Ladieswear",
            "Short, with a \"scoop\" neck.",
        ),
        article(
            "0200000001",
            "Chino",
            "Trousers",
            "Beige",
            "Menswear",
            "Chinos.",
        ),
        article(
            "0300000001",
            "Never sold",
            "Dress",
            "Red",
            "Ladieswear",
            "Nobody bought it.",
        ),
    ];
    write_gz(&dir.0.join(hm::ARTICLES), &(articles.join("\n") + "\n"));
    let tx = [
        "t_dat,customer_id,article_id,price,sales_channel_id",
        // Customer a, 16 Sep: a basket of both strap tops (one bought twice).
        "2020-09-16,a,0108775015,0.0169322033898305,2",
        "2020-09-16,a,0108775015,0.0169322033898305,2",
        "2020-09-16,a,0108775044,0.0084576271186441,2",
        // Customer b, two days: one basket each.
        "2020-09-20,b,0108775015,0.0152372881355932,1",
        "2020-09-22,b,0200000001,0.0338813559322034,2",
        "2020-09-22,b,0108775044,0.0084576271186441,2",
        // An unknown article and a bad date are skipped.
        "2020-09-22,c,0999999999,0.01,2",
        "2020-13-40,c,0108775015,0.01,2",
    ];
    write_gz(&dir.0.join(hm::TRANSACTIONS), &(tx.join("\n") + "\n"));
    dir
}

#[test]
fn loads_sold_articles_with_median_prices_sales_age_and_baskets() {
    let dir = dataset();
    assert!(hm::present(&dir.0));
    let (catalog, baskets) = hm::load(&dir.0).expect("loads");
    let ids: Vec<&str> = catalog.products.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        ["0108775015", "0108775044", "0200000001"],
        "only sold articles, leading zeros kept"
    );
    let top = &catalog.products[0];
    assert_eq!(top.name, "Strap top");
    assert_eq!(top.weekly_sales, 3);
    // Median of 0.016932, 0.016932, 0.015237 → 0.016932 × 590 = 9.99.
    assert!((top.price - 9.99).abs() < 1e-9, "{}", top.price);
    assert!((catalog.products[2].price - 19.99).abs() < 1e-9);
    assert_eq!(
        top.age_days, 6,
        "first sold on the 16th, the week ends on the 22nd"
    );
    assert_eq!(catalog.products[2].age_days, 0);
    assert_eq!(
        top.description.len(),
        "A soft jersey top, ".len() * 12 - 1,
        "long descriptions kept whole"
    );
    assert_eq!(
        catalog.products[1].description,
        "Short, with a \"scoop\" neck."
    );
    assert_eq!(
        top.attributes.get("colour").map(String::as_str),
        Some("Black")
    );
    assert_eq!(
        top.attributes.get("indexGroup").map(String::as_str),
        Some("Ladieswear")
    );
    assert_eq!(
        top.attributes.get("productCode").map(String::as_str),
        Some("0108775")
    );
    assert!(
        !top.attributes.contains_key("name"),
        "the name is display text, not an attribute"
    );
    assert_eq!(top.swatch.as_deref(), Some(crate::swatch::css("Black")));
    assert_eq!(baskets.len(), 3);
    let shop = Shop::new(catalog, baskets);
    assert_eq!(shop.basket_count(), 2, "single-product baskets are dropped");
    let at = shop.position("0108775015").expect("present");
    let co: Vec<(&str, u32)> = shop
        .co_purchased(at)
        .into_iter()
        .map(|(i, n)| (shop.products[i].id.as_str(), n))
        .collect();
    assert_eq!(co, [("0108775044", 1)]);
}

#[test]
fn a_missing_or_malformed_directory_is_an_error_not_a_panic() {
    let dir =
        TempDir(std::env::temp_dir().join(format!("vitrine-server-hm-bad-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).expect("temp dir");
    assert!(!hm::present(&dir.0));
    assert!(hm::load(&dir.0).is_err());
    write_gz(
        &dir.0.join(hm::ARTICLES),
        "article_id,prod_name\n0108775015,Top\n",
    );
    write_gz(&dir.0.join(hm::TRANSACTIONS), "t_dat\n2020-09-16\n");
    let err = hm::load(&dir.0).expect_err("columns are missing");
    assert!(err.to_string().contains("product_type_name"), "{err}");
}
