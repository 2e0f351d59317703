use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

#[test]
fn serialises_like_a_btree_map_and_keeps_the_last_duplicate() {
    let json = r#"{"b":2,"a":1,"c":3,"a":4}"#;
    let ours: VecMap<String, u32> = serde_json::from_str(json).unwrap();
    let theirs: BTreeMap<String, u32> = serde_json::from_str(json).unwrap();
    assert_eq!(ours["a"], 4);
    assert_eq!(
        serde_json::to_string(&ours).unwrap(),
        serde_json::to_string(&theirs).unwrap()
    );
    assert!(serde_json::from_str::<VecMap<String, u32>>("[1]").is_err());
}

#[test]
fn entry_retain_and_remove() {
    let mut m: VecMap<String, u32> = VecMap::new();
    *m.entry("x".into()).or_default() += 2;
    *m.entry("x".into()).or_insert(10) += 1;
    m.insert("a".into(), 1);
    assert_eq!(
        m.iter().collect::<Vec<_>>(),
        [(&"a".into(), &1), (&"x".into(), &3)]
    );
    m.retain(|_, v| *v > 1);
    assert_eq!(m.remove("x"), Some(3));
    assert!(m.is_empty());
    let s: VecSet<u8> = [3, 1, 3, 2].into_iter().collect();
    assert_eq!(s.iter().copied().collect::<Vec<_>>(), [1, 2, 3]);
}

proptest! {
    /// Any sequence of inserts and removes leaves the same content as a `BTreeMap`.
    #[test]
    fn behaves_like_a_btree_map(ops in proptest::collection::vec((any::<bool>(), 0u8..24, any::<u16>()), 0..200)) {
        let mut ours = VecMap::new();
        let mut theirs = BTreeMap::new();
        for (insert, k, v) in ops {
            if insert {
                prop_assert_eq!(ours.insert(k, v), theirs.insert(k, v));
            } else {
                prop_assert_eq!(ours.remove(&k), theirs.remove(&k));
            }
        }
        prop_assert!(ours.iter().eq(theirs.iter()));
        let collected: VecMap<u8, u16> = theirs.clone().into_iter().rev().collect();
        prop_assert!(collected.iter().eq(theirs.iter()));
    }

    /// `sort_by` is a stable sort.
    #[test]
    fn sort_by_is_stable(mut v in proptest::collection::vec((0u8..8, any::<u16>()), 0..300)) {
        let mut expected = v.clone();
        expected.sort_by_key(|a| a.0);
        sort_by(&mut v, |a, b| a.0.cmp(&b.0));
        prop_assert_eq!(v, expected);
    }

    /// `from_pairs` (through `collect`) keeps, of a repeated key, its last value, as a
    /// `BTreeMap` does; values are distinct so a wrong pick shows.
    #[test]
    fn from_pairs_keeps_the_last_duplicate(keys in proptest::collection::vec(0u8..16, 0..80)) {
        let pairs: Vec<(String, usize)> =
            keys.iter().enumerate().map(|(i, k)| (format!("k{k}"), i)).collect();
        let ours: VecMap<String, usize> = pairs.clone().into_iter().collect();
        let theirs: BTreeMap<String, usize> = pairs.into_iter().collect();
        prop_assert!(ours.iter().eq(theirs.iter()));
        let set: VecSet<u8> = keys.iter().copied().collect();
        let expected: std::collections::BTreeSet<u8> = keys.into_iter().collect();
        prop_assert!(set.iter().eq(expected.iter()));
    }
}
