//! Serde for enums of unit variants, written as their names.
//!
//! A derived `Deserialize` for a unit-only enum compiles serde_json's enum machinery
//! (`deserialize_enum`, variant access, the field visitor, and the `{"name": null}` form that
//! Vitrine never writes) once per enum and per deserializer: about 2 KB of wasm each. The
//! `json::names!` macro instead reads the value as a string with one visitor
//! shared by every such enum ([`variant_index`]), and writes it with `serialize_str`. The
//! JSON is the same (`"add_to_cart"`, also as an object key), and an unknown name is the same
//! `unknown variant` error.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

/// Reads a string and returns its position in `names`; an unknown name is serde's
/// `unknown variant` error, listing `names`.
pub fn variant_index<'de, D: Deserializer<'de>>(
    deserializer: D,
    names: &'static [&'static str],
) -> Result<usize, D::Error> {
    deserializer.deserialize_str(NameVisitor(names))
}

/// The one visitor behind every [`variant_index`].
struct NameVisitor(&'static [&'static str]);

impl<'de> Visitor<'de> for NameVisitor {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|name| *name == v)
            .ok_or_else(|| E::unknown_variant(v, self.0))
    }
}

/// Implements `Serialize` and `Deserialize` for a unit-only enum as the listed names.
///
/// ```ignore
/// json::names!(Answer { Like => "like", Dislike => "dislike", Skip => "skip" });
/// ```
macro_rules! names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            const JSON_NAMES: &'static [&'static str] = &[$($name),+];
            const JSON_VARIANTS: &'static [$ty] = &[$($ty::$variant),+];

            fn json_name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.json_name())
            }
        }

        impl $crate::json::ToJson for $ty {
            fn write_json(&self, w: &mut $crate::json::Writer) {
                w.string(self.json_name());
            }
        }

        impl $crate::json::ToKey for $ty {
            fn write_key(&self, w: &mut $crate::json::Writer) {
                w.string(self.json_name());
            }
        }

        impl $crate::json::FromJson for $ty {
            fn read(r: &mut $crate::json::Reader<'_>) -> Result<Self, $crate::json::Error> {
                Ok(Self::JSON_VARIANTS[r.name(Self::JSON_NAMES)?])
            }
        }

        impl $crate::json::FromKey for $ty {
            fn from_key(key: &str) -> Result<Self, $crate::json::Error> {
                Ok(Self::JSON_VARIANTS[$crate::json::name_index(key, Self::JSON_NAMES)?])
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let index = $crate::json::variant_index(deserializer, Self::JSON_NAMES)?;
                Ok(Self::JSON_VARIANTS[index])
            }
        }
    };
}
pub(crate) use names;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;
    use serde::{Deserialize, Serialize};

    use crate::collections::VecMap;
    use crate::event::{EventKind, ReturnReason};
    use crate::json::from_str;
    use crate::privacy::consent::{Decision, Purpose};
    use crate::privacy::ldp::Encoding;
    use crate::privacy::ledger::DropReason;
    use crate::privacy::reports::ReportKind;
    use crate::profile::activity::Segment;
    use crate::profile::coverage::Depth;
    use crate::quiz::state::Answer;
    use crate::rank::{ModelStatus, RankerKind};

    /// What `#[derive]` with `rename_all = "snake_case"` wrote and read before.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Derived {
        View,
        Click,
        AddToCart,
        RemoveFromCart,
        Purchase,
        Return,
        Search,
        Dwell,
    }

    fn same<T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug + Copy>(
        cases: &[(T, &str)],
    ) {
        for &(value, name) in cases {
            let text = serde_json::to_string(&value).unwrap();
            assert_eq!(text, format!("\"{name}\""));
            assert_eq!(from_str::<T>(&text).unwrap(), value);
            assert_eq!(serde_json::from_str::<T>(&text).unwrap(), value);
            let value_form = serde_json::to_value(value).unwrap();
            assert_eq!(serde_json::from_value::<T>(value_form).unwrap(), value);
        }
        let err = from_str::<T>("\"no_such_name\"").unwrap_err().to_string();
        assert!(
            err.starts_with("unknown variant `no_such_name`, expected "),
            "{err}"
        );
        assert!(from_str::<T>("3").is_err());
        assert!(from_str::<T>("null").is_err());
    }

    #[test]
    fn every_enum_keeps_its_names() {
        use EventKind as K;
        same(&[
            (K::View, "view"),
            (K::Click, "click"),
            (K::AddToCart, "add_to_cart"),
            (K::RemoveFromCart, "remove_from_cart"),
            (K::Purchase, "purchase"),
            (K::Return, "return"),
            (K::Search, "search"),
            (K::Dwell, "dwell"),
        ]);
        use ReturnReason as R;
        same(&[
            (R::TooSmall, "too_small"),
            (R::TooBig, "too_big"),
            (R::Other, "other"),
        ]);
        same(&[
            (Answer::Like, "like"),
            (Answer::Dislike, "dislike"),
            (Answer::Skip, "skip"),
        ]);
        use Depth as D;
        same(&[
            (D::Browsed, "browsed"),
            (D::Carted, "carted"),
            (D::Purchased, "purchased"),
        ]);
        use Segment as S;
        same(&[
            (S::New, "new"),
            (S::Active, "active"),
            (S::Lapsing, "lapsing"),
            (S::Lapsed, "lapsed"),
        ]);
        use RankerKind as RK;
        same(&[
            (RK::Server, "server"),
            (RK::Affinity, "affinity"),
            (RK::Model, "model"),
        ]);
        use ModelStatus as M;
        same(&[
            (M::Used, "used"),
            (M::NoSignal, "no_signal"),
            (M::Failed, "failed"),
        ]);
        use ReportKind as P;
        same(&[
            (P::Engagement, "engagement"),
            (P::Lifecycle, "lifecycle"),
            (P::Quiz, "quiz"),
            (P::Experiment, "experiment"),
        ]);
        use DropReason as X;
        same(&[
            (X::BudgetExhausted, "budget_exhausted"),
            (X::QueueFull, "queue_full"),
            (X::LedgerFull, "ledger_full"),
            (X::Rejected, "rejected"),
            (X::Expired, "expired"),
            (X::Withdrawn, "withdrawn"),
        ]);
        same(&[
            (Purpose::Personalization, "personalization"),
            (Purpose::Measurement, "measurement"),
        ]);
        use Decision as C;
        same(&[
            (C::Pending, "pending"),
            (C::Granted, "granted"),
            (C::Denied, "denied"),
        ]);
        same(&[(Encoding::Grr, "grr"), (Encoding::Oue, "oue")]);
    }

    #[test]
    fn map_keys_and_errors_match_the_derived_form() {
        let mut counts = VecMap::new();
        counts.insert(DropReason::QueueFull, 2u64);
        counts.insert(DropReason::BudgetExhausted, 1u64);
        let text = serde_json::to_string(&counts).unwrap();
        assert_eq!(text, r#"{"budget_exhausted":1,"queue_full":2}"#);
        assert_eq!(from_str::<VecMap<DropReason, u64>>(&text).unwrap(), counts);
        let mut derived = VecMap::new();
        derived.insert(Derived::AddToCart, 1u64);
        let mut ours = VecMap::new();
        ours.insert(EventKind::AddToCart, 1u64);
        assert_eq!(
            serde_json::to_string(&derived).unwrap(),
            serde_json::to_string(&ours).unwrap()
        );
        for text in [r#""nope""#, r#""View""#, r#""""#] {
            let theirs = from_str::<Derived>(text).unwrap_err().to_string();
            let mine = from_str::<EventKind>(text).unwrap_err().to_string();
            assert_eq!(mine, theirs);
        }
    }

    proptest! {
        #[test]
        fn a_name_parses_exactly_when_it_is_listed(name in "[a-z_]{0,18}") {
            let text = serde_json::to_string(&name).unwrap();
            let parsed = from_str::<EventKind>(&text).ok();
            let listed = EventKind::ALL.iter().copied().find(|kind| kind.as_str() == name);
            prop_assert_eq!(parsed, listed);
            if let Some(kind) = parsed {
                prop_assert_eq!(serde_json::to_string(&kind).unwrap(), text);
            }
        }
    }
}
