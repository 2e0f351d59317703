//! The small fixed vocabularies reports draw their values from.
//!
//! A report's value is always an index into one of these lists, never text from the page,
//! so nothing the shopper typed and no product id can leave the browser. Changing a list is
//! a schema change: the manifest, the collector and the estimators read these same arrays.

use super::rng::RandomSource;

/// Coarse product categories for engagement reports.
pub const CATEGORIES: &[&str] = &[
    "tops",
    "bottoms",
    "dresses",
    "outerwear",
    "knitwear",
    "shoes",
    "accessories",
    "underwear",
    "swimwear",
    "sportswear",
    "nightwear",
    "other",
];

/// Lifecycle segments, as derived locally from the profile.
pub const LIFECYCLE_SEGMENTS: &[&str] = &[
    "new",
    "browsing",
    "engaged",
    "cart_abandoner",
    "customer",
    "repeat_customer",
    "lapsed",
];

/// Quiz outcomes: `abandoned`, the top style answer of a completed quiz (see
/// [`super::style`]), or `unclassified` when no liked value names a style.
pub const QUIZ_OUTCOMES: &[&str] = &[
    "abandoned",
    "classic",
    "minimal",
    "romantic",
    "sporty",
    "bohemian",
    "edgy",
    "streetwear",
    "unclassified",
];

/// Experiment outcomes: `arm:deepest funnel event of the day` (arms `control`, `a`, `b`, `c`).
pub const EXPERIMENT_OUTCOMES: &[&str] = &[
    "control:exposed",
    "control:click",
    "control:add_to_cart",
    "control:purchase",
    "a:exposed",
    "a:click",
    "a:add_to_cart",
    "a:purchase",
    "b:exposed",
    "b:click",
    "b:add_to_cart",
    "b:purchase",
    "c:exposed",
    "c:click",
    "c:add_to_cart",
    "c:purchase",
];

/// Keywords (lower case, matched as substrings, first match wins) mapping a retailer's
/// product type to a coarse category. Order matters: `swimwear bottom` is swimwear.
const CATEGORY_KEYWORDS: &[(&str, &str)] = &[
    ("swim", "swimwear"),
    ("bikini", "swimwear"),
    ("pyjama", "nightwear"),
    ("night", "nightwear"),
    ("robe", "nightwear"),
    ("sport", "sportswear"),
    ("legging", "sportswear"),
    ("bra", "underwear"),
    ("brief", "underwear"),
    ("underwear", "underwear"),
    ("sock", "underwear"),
    ("tights", "underwear"),
    ("boxer", "underwear"),
    ("dress", "dresses"),
    ("jumpsuit", "dresses"),
    ("sweater", "knitwear"),
    ("cardigan", "knitwear"),
    ("knit", "knitwear"),
    ("hoodie", "knitwear"),
    ("jacket", "outerwear"),
    ("coat", "outerwear"),
    ("blazer", "outerwear"),
    ("shoe", "shoes"),
    ("boot", "shoes"),
    ("sneaker", "shoes"),
    ("sandal", "shoes"),
    ("heel", "shoes"),
    ("trouser", "bottoms"),
    ("jean", "bottoms"),
    ("short", "bottoms"),
    ("skirt", "bottoms"),
    ("pant", "bottoms"),
    ("top", "tops"),
    ("shirt", "tops"),
    ("blouse", "tops"),
    ("polo", "tops"),
    ("bag", "accessories"),
    ("hat", "accessories"),
    ("cap", "accessories"),
    ("scarf", "accessories"),
    ("belt", "accessories"),
    ("earring", "accessories"),
    ("necklace", "accessories"),
    ("sunglasses", "accessories"),
    ("glove", "accessories"),
];

/// The index of a label in a vocabulary.
pub fn index_of(vocabulary: &[&str], label: &str) -> Option<u32> {
    vocabulary
        .iter()
        .position(|l| *l == label)
        .map(|i| i as u32)
}

/// The coarse category (an index into [`CATEGORIES`]) of a retailer's product type;
/// `other` when no keyword matches.
pub fn coarse_category(product_type: &str) -> u32 {
    let lower = crate::text::lowercase(product_type);
    let label = CATEGORY_KEYWORDS
        .iter()
        .find(|(keyword, _)| crate::text::contains(&lower, keyword))
        .map_or("other", |(_, category)| category);
    index_of(CATEGORIES, label).unwrap_or(CATEGORIES.len() as u32 - 1)
}

/// Picks one category in proportion to the day's engagement `weights` (one per entry of
/// [`CATEGORIES`]; negative or non-finite weights count as zero). `None` when nothing was
/// engaged with. Sampling keeps each browser's contribution to one label, so the collector
/// estimates the share of engagement per category with a single ε-LDP report.
pub fn sample_category(weights: &[f64], rng: &mut dyn RandomSource) -> Option<u32> {
    let clean = |w: &f64| if w.is_finite() && *w > 0.0 { *w } else { 0.0 };
    let total: f64 = weights.iter().take(CATEGORIES.len()).map(clean).sum();
    if total <= 0.0 {
        return None;
    }
    let mut target = rng.next_f64() * total;
    let mut last_positive = None;
    for (i, w) in weights.iter().take(CATEGORIES.len()).map(clean).enumerate() {
        if w > 0.0 {
            last_positive = Some(i as u32);
            if target < w {
                return Some(i as u32);
            }
            target -= w;
        }
    }
    last_positive
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::privacy::rng::ChaCha20Rng;

    #[test]
    fn product_types_map_to_coarse_categories() {
        let cat = |t: &str| CATEGORIES[coarse_category(t) as usize];
        assert_eq!(cat("Vest top"), "tops");
        assert_eq!(cat("Swimwear bottom"), "swimwear");
        assert_eq!(cat("Trousers"), "bottoms");
        assert_eq!(cat("Dress"), "dresses");
        assert_eq!(cat("Sweater"), "knitwear");
        assert_eq!(cat("Umbrella"), "other");
        assert_eq!(cat("Pyjama set"), "nightwear");
    }

    #[test]
    fn sampling_follows_the_weights() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let mut weights = vec![0.0; CATEGORIES.len()];
        weights[1] = 3.0;
        weights[4] = 1.0;
        weights[6] = f64::NAN;
        let mut hits = [0u32; 12];
        for _ in 0..8_000 {
            hits[sample_category(&weights, &mut rng).unwrap() as usize] += 1;
        }
        assert_eq!(hits[1] + hits[4], 8_000);
        assert!((5_700..6_300).contains(&hits[1]), "{hits:?}");
        assert_eq!(sample_category(&[0.0, -1.0], &mut rng), None);
    }

    #[test]
    fn vocabularies_have_unique_labels() {
        for vocab in [
            CATEGORIES,
            LIFECYCLE_SEGMENTS,
            QUIZ_OUTCOMES,
            EXPERIMENT_OUTCOMES,
        ] {
            let mut sorted = vocab.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), vocab.len());
        }
        for (_, category) in CATEGORY_KEYWORDS {
            assert!(index_of(CATEGORIES, category).is_some());
        }
    }
}
