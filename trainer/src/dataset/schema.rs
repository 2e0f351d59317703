//! The dataset schema: which CSV files and columns hold the catalogue and the events.
//! [`Schema::hm`] is the H&M instance; any other shop passes a JSON file with the same fields.

use serde::{Deserialize, Serialize};

/// A retailer-facing attribute read from a CSV column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttributeColumn {
    /// The attribute name the SDK sees (e.g. `colour`).
    pub name: String,
    /// The CSV header it is read from (e.g. `colour_group_name`).
    pub column: String,
}

/// Where the catalogue is and how to read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ItemsSchema {
    /// File name inside the data directory.
    pub file: String,
    /// The item id column.
    pub id_column: String,
    /// Embedded attributes.
    pub attributes: Vec<AttributeColumn>,
    /// The product-group attribute (variants of one product), if any.
    pub group: Option<AttributeColumn>,
}

/// Where the events are and how to read them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventsSchema {
    /// File names inside the data directory, read in this order.
    pub files: Vec<String>,
    /// The user id column.
    pub user_column: String,
    /// The item id column.
    pub item_column: String,
    /// The date column.
    pub date_column: String,
    /// The price column, if any.
    pub price_column: Option<String>,
    /// The event type column, if any (default: every row is a purchase).
    pub kind_column: Option<String>,
}

/// The whole dataset description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Schema {
    /// The catalogue.
    pub items: ItemsSchema,
    /// The events.
    pub events: EventsSchema,
    /// The attribute that splits the catalogue into the server's candidate pools (the
    /// shopper's "usual" values of it select the pools).
    pub pool_attribute: String,
}

impl Schema {
    /// The H&M Personalized Fashion Recommendations instance.
    pub fn hm() -> Schema {
        let attr = |name: &str, column: &str| AttributeColumn {
            name: name.to_owned(),
            column: column.to_owned(),
        };
        Schema {
            items: ItemsSchema {
                file: "hm_articles.csv.gz".into(),
                id_column: "article_id".into(),
                attributes: vec![
                    attr("productType", "product_type_name"),
                    attr("productGroup", "product_group_name"),
                    attr("pattern", "graphical_appearance_name"),
                    attr("colour", "colour_group_name"),
                    attr("colourValue", "perceived_colour_value_name"),
                    attr("colourFamily", "perceived_colour_master_name"),
                    attr("department", "department_name"),
                    attr("index", "index_name"),
                    attr("indexGroup", "index_group_name"),
                    attr("section", "section_name"),
                    attr("garmentGroup", "garment_group_name"),
                ],
                group: Some(attr("productCode", "product_code")),
            },
            events: EventsSchema {
                files: vec![
                    "hm_transactions_customer_sample.csv.gz".into(),
                    "hm_transactions_last_week.csv.gz".into(),
                ],
                user_column: "customer_id".into(),
                item_column: "article_id".into(),
                date_column: "t_dat".into(),
                price_column: Some("price".into()),
                kind_column: None,
            },
            pool_attribute: "indexGroup".into(),
        }
    }
}
