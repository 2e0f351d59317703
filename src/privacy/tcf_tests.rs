use super::*;
use proptest::prelude::*;

/// Writes a core segment with the given fields (test-only encoder).
fn encode(version: u8, created: u64, cmp_id: u16, lang: &str, policy: u8, purposes: u32) -> String {
    let mut bits: Vec<bool> = Vec::new();
    let mut push = |value: u64, len: usize| {
        for i in (0..len).rev() {
            bits.push(value >> i & 1 == 1);
        }
    };
    push(u64::from(version), 6);
    push(created, 36);
    push(created, 36);
    push(u64::from(cmp_id), 12);
    push(3, 12);
    push(1, 6);
    for b in lang.bytes() {
        push(u64::from(b - b'a'), 6);
    }
    push(150, 12);
    push(u64::from(policy), 6);
    push(0, 1 + 1 + 12);
    push(u64::from(purposes).reverse_bits() >> 40, 24); // purpose 1 first
    push(0, 24 + 1);
    push(0, 12);
    push(0, 16 + 1); // empty vendor section
    let mut out = String::new();
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for chunk in bits.chunks(6) {
        let v = chunk
            .iter()
            .enumerate()
            .fold(0, |acc, (i, b)| acc | (usize::from(*b) << (5 - i)));
        out.push(ALPHABET[v] as char);
    }
    out
}

#[test]
fn reads_published_test_vectors() {
    // Test vectors with known decodings (as used by other TCF v2 decoders' test suites).
    let tc = TcString::parse(
        "CLcVDxRMWfGmWAVAHCENAXCkAKDAADnAABRgA5mdfCKZuYJez-NQm0TBMYA4oCAAGQYIAAAAAAEAIAEgAA",
    )
    .unwrap();
    assert_eq!(
        (
            tc.version,
            tc.cmp_id,
            tc.cmp_version,
            tc.vendor_list_version,
            tc.policy_version
        ),
        (2, 21, 7, 23, 2)
    );
    assert_eq!(tc.created, 12_286_442_577);
    assert_eq!(tc.consent_language, "en");
    let granted: Vec<u8> = (1..=24).filter(|n| tc.purpose_consent(*n)).collect();
    assert_eq!(granted, vec![1, 3, 9, 10]);
    let update = tc.to_update(&TcfMapping::default());
    assert_eq!(
        (update.personalization, update.measurement),
        (Some(true), Some(true))
    );
    // Range-encoded vendors, no purpose consented; a publisher segment after a dot.
    let tc = TcString::parse(
        "COyfVVoOyfVVoADACHENAwCAAAAAAAAAAAAAE5QBgALgAqgD8AQACSwEygJyAnSAMABgAFkAgQCDASeAmYBOgAA",
    )
    .unwrap();
    assert_eq!(
        (
            tc.cmp_id,
            tc.cmp_version,
            tc.vendor_list_version,
            tc.purposes_consent
        ),
        (3, 2, 48, 0)
    );
    let update = tc.to_update(&TcfMapping::default());
    assert_eq!(
        (update.personalization, update.measurement),
        (Some(false), Some(false))
    );
    assert!(TcString::parse("CLcVDxRMWfGmWAVAHCENAXCkAKDAADnAABRgA5mdfCKZuYJez-NQm0TBMYA4oCAAGQYIAAAAAAEAIAEgAA.argAC0gAAAAAAAAAAAA").is_ok());
}

#[test]
fn mapping_requires_every_listed_purpose() {
    let p = |n: u32| 1u32 << (n - 1);
    let tc = TcString::parse(&encode(2, 16_000_000_000, 7, "fr", 4, p(1) | p(3) | p(9))).unwrap();
    assert_eq!(tc.consent_language, "fr");
    assert_eq!(tc.cmp_id, 7);
    let update = tc.to_update(&TcfMapping::default());
    assert_eq!(update.personalization, Some(true));
    assert_eq!(update.measurement, Some(false), "purpose 10 is missing");
    let custom = TcfMapping {
        personalization: vec![1, 5],
        measurement: vec![1, 9],
    };
    let update = tc.to_update(&custom);
    assert_eq!(
        (update.personalization, update.measurement),
        (Some(false), Some(true))
    );
    assert_eq!(
        TcfMapping {
            personalization: vec![0],
            measurement: vec![]
        }
        .validate(),
        Err(TcfError::InvalidPurpose(0))
    );
}

#[test]
fn bad_strings_are_typed_errors() {
    assert_eq!(TcString::parse(""), Err(TcfError::Empty));
    assert_eq!(TcString::parse("CO*"), Err(TcfError::InvalidCharacter(2)));
    assert!(matches!(
        TcString::parse("COw4"),
        Err(TcfError::TooShort(_))
    ));
    assert_eq!(
        TcString::parse(&encode(1, 0, 0, "en", 2, 0)),
        Err(TcfError::UnsupportedVersion(1))
    );
    let long = "A".repeat(MAX_TC_STRING_LEN + 1);
    assert!(matches!(TcString::parse(&long), Err(TcfError::TooLong(_))));
    let with_segment = format!("{}.Y#", encode(2, 0, 0, "en", 4, 0));
    assert!(matches!(
        TcString::parse(&with_segment),
        Err(TcfError::InvalidCharacter(_))
    ));
}

proptest! {
    #[test]
    fn round_trips(created in 0u64..(1 << 36), cmp in 0u16..4096, a in 0u8..26, b in 0u8..26, policy in 0u8..64, purposes in 0u32..(1 << 24)) {
        let lang: String = [(b'a' + a) as char, (b'a' + b) as char].iter().collect();
        let tc = TcString::parse(&encode(2, created, cmp, &lang, policy, purposes)).unwrap();
        prop_assert_eq!(tc.created, created);
        prop_assert_eq!(tc.cmp_id, cmp);
        prop_assert_eq!(&tc.consent_language, &lang);
        prop_assert_eq!(tc.policy_version, policy);
        prop_assert_eq!(tc.purposes_consent, purposes);
        for n in 1..=24u8 {
            prop_assert_eq!(tc.purpose_consent(n), purposes >> (n - 1) & 1 == 1);
        }
    }

    #[test]
    fn never_panics(s in "[A-Za-z0-9_.=*-]{0,300}") {
        let _ = TcString::parse(&s);
    }
}
