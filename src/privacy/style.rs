//! The style label a completed quiz is reported as: a small fixed keyword map over the
//! values the shopper liked (patterns, product types, colours, departments), scored by how
//! strongly each was liked, the way [`super::vocab`]'s category keywords map product types.
//!
//! Only labels of [`vocab::QUIZ_OUTCOMES`] come out, never the liked values themselves;
//! `unclassified` when no liked value names a style.

use super::vocab;

/// Label reported when no liked value matches a style keyword.
pub const UNCLASSIFIED: &str = "unclassified";

/// Keywords (lower case, matched as substrings of a liked value, first match wins) and the
/// style they vote for. Order matters: `sweatshirt` is streetwear before `shirt` is classic,
/// `t-shirt` before `shirt`.
pub const STYLE_KEYWORDS: &[(&str, &str)] = &[
    // sporty
    ("sport", "sporty"),
    ("legging", "sporty"),
    ("running", "sporty"),
    ("training", "sporty"),
    ("tracksuit", "sporty"),
    // streetwear
    ("hoodie", "streetwear"),
    ("sweatshirt", "streetwear"),
    ("t-shirt", "streetwear"),
    ("cargo", "streetwear"),
    ("jogger", "streetwear"),
    ("sneaker", "streetwear"),
    ("front print", "streetwear"),
    ("placement print", "streetwear"),
    ("denim", "streetwear"),
    ("cap", "streetwear"),
    // edgy
    ("leather", "edgy"),
    ("metallic", "edgy"),
    ("glitter", "edgy"),
    ("sequin", "edgy"),
    ("mesh", "edgy"),
    ("transparent", "edgy"),
    ("hologram", "edgy"),
    ("biker", "edgy"),
    ("boot", "edgy"),
    // romantic
    ("lace", "romantic"),
    ("floral", "romantic"),
    ("flower", "romantic"),
    ("ruffle", "romantic"),
    ("frill", "romantic"),
    ("dot", "romantic"),
    ("pink", "romantic"),
    ("blouse", "romantic"),
    ("dress", "romantic"),
    // bohemian
    ("embroider", "bohemian"),
    ("crochet", "bohemian"),
    ("fringe", "bohemian"),
    ("paisley", "bohemian"),
    ("all over pattern", "bohemian"),
    ("kaftan", "bohemian"),
    ("tunic", "bohemian"),
    ("sandal", "bohemian"),
    // classic
    ("blazer", "classic"),
    ("shirt", "classic"),
    ("check", "classic"),
    ("stripe", "classic"),
    ("navy", "classic"),
    ("dark blue", "classic"),
    ("coat", "classic"),
    ("cardigan", "classic"),
    ("polo", "classic"),
    ("trousers", "classic"),
    // minimal
    ("solid", "minimal"),
    ("basic", "minimal"),
    ("white", "minimal"),
    ("grey", "minimal"),
    ("beige", "minimal"),
    ("black", "minimal"),
    ("melange", "minimal"),
    ("vest top", "minimal"),
];

/// The style a liked value votes for, if any keyword matches it.
pub fn style_of(value: &str) -> Option<&'static str> {
    let lower = crate::text::lowercase(value);
    STYLE_KEYWORDS
        .iter()
        .find(|(keyword, _)| crate::text::contains(&lower, keyword))
        .map(|(_, style)| *style)
}

/// The quiz label for liked values and their weights (`(value, weight)`; weights ≤ 0 or
/// not finite are ignored): the style with the highest summed weight, ties to the earlier
/// label of [`vocab::QUIZ_OUTCOMES`]; [`UNCLASSIFIED`] when nothing matches.
pub fn quiz_style<'a>(liked: impl IntoIterator<Item = (&'a str, f64)>) -> &'static str {
    let mut scores = vec![0.0_f64; vocab::QUIZ_OUTCOMES.len()];
    for (value, weight) in liked {
        if !(weight.is_finite() && weight > 0.0) {
            continue;
        }
        let index = style_of(value).and_then(|s| vocab::index_of(vocab::QUIZ_OUTCOMES, s));
        if let Some(slot) = index.and_then(|i| scores.get_mut(i as usize)) {
            *slot += weight;
        }
    }
    let (mut best, mut best_score) = (None, 0.0);
    for (i, score) in scores.iter().enumerate() {
        // Strictly greater: ties go to the earlier label.
        if *score > best_score {
            (best, best_score) = (Some(i), *score);
        }
    }
    best.map_or(UNCLASSIFIED, |i| vocab::QUIZ_OUTCOMES[i])
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_votes_for_a_declared_style() {
        for (keyword, style) in STYLE_KEYWORDS {
            assert_eq!(keyword.to_lowercase(), *keyword);
            let index = vocab::index_of(vocab::QUIZ_OUTCOMES, style);
            assert!(index.is_some_and(|i| i > 0), "{style} is a style label");
        }
        assert!(vocab::index_of(vocab::QUIZ_OUTCOMES, UNCLASSIFIED).is_some());
    }

    #[test]
    fn liked_values_map_to_the_strongest_style() {
        assert_eq!(style_of("Hoodie"), Some("streetwear"));
        assert_eq!(style_of("Sweatshirt"), Some("streetwear"));
        assert_eq!(style_of("Shirt"), Some("classic"));
        assert_eq!(style_of("Lace"), Some("romantic"));
        assert_eq!(style_of("Umbrella"), None);
        let liked = [
            ("Lace", 0.4),
            ("Dress", 0.3),
            ("Black", 0.5),
            ("Solid", 0.1),
        ];
        assert_eq!(quiz_style(liked), "romantic");
        assert_eq!(quiz_style([("Black", 0.5), ("Lace", 0.2)]), "minimal");
        // Ties go to the earlier label (classic before minimal).
        assert_eq!(quiz_style([("Black", 0.5), ("Shirt", 0.5)]), "classic");
        assert_eq!(quiz_style([("Umbrella", 0.9)]), UNCLASSIFIED);
        assert_eq!(
            quiz_style([("Lace", -0.5), ("Pink", f64::NAN)]),
            UNCLASSIFIED
        );
        assert_eq!(quiz_style([]), UNCLASSIFIED);
    }
}
