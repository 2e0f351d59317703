//! Reading an IAB TCF v2.2 TC string (the core segment) into a consent update.
//!
//! The core segment is base64url (no padding) over a big-endian bit string. Vitrine reads
//! the header and the 24 `PurposesConsent` bits, and maps purposes to its own through a
//! [`TcfMapping`]: by default personalization needs purposes 1 and 3, measurement needs
//! purposes 1, 9 and 10 (a purpose is granted only when every listed TCF purpose is). Vendor
//! sections and other segments are not interpreted: Vitrine runs first-party, on the site's
//! own purposes. Note that TCF 2.2 defines purposes 5 and 6 as "create/use profiles to
//! personalise content"; a site that records consent there can configure the mapping.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::consent::ConsentUpdate;

/// Longest TC string accepted, in bytes (vendor sections make real strings a few KB).
pub const MAX_TC_STRING_LEN: usize = 16 * 1024;
/// Bits before `PurposesConsent` in the core segment.
const PURPOSES_OFFSET: usize = 152;
/// Bits up to and including `PublisherCC`: the shortest well-formed core segment prefix.
const MIN_CORE_BITS: usize = 213;

/// Why a TC string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TcfError {
    /// The string is empty.
    #[error("TC string is empty")]
    Empty,
    /// The string is longer than [`MAX_TC_STRING_LEN`].
    #[error("TC string is {0} bytes long; the limit is {MAX_TC_STRING_LEN}")]
    TooLong(usize),
    /// A character outside base64url.
    #[error("TC string has an invalid character at byte {0}")]
    InvalidCharacter(usize),
    /// The core segment is shorter than its fixed fields.
    #[error("TC string core segment has {0} bits; at least {MIN_CORE_BITS} are needed")]
    TooShort(usize),
    /// Not a version 2 string.
    #[error("TC string version {0} is not supported (expected 2)")]
    UnsupportedVersion(u8),
    /// The consent language is not two letters.
    #[error("TC string consent language is not two letters")]
    InvalidLanguage,
    /// A purpose number outside 1..=24 in a mapping.
    #[error("TCF purpose {0} does not exist (1 to 24)")]
    InvalidPurpose(u8),
}

/// The parts of a TC string's core segment Vitrine reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TcString {
    /// Always 2.
    pub version: u8,
    /// Creation time, deciseconds since the epoch.
    pub created: u64,
    /// Last update, deciseconds since the epoch.
    pub last_updated: u64,
    /// The CMP's id.
    pub cmp_id: u16,
    /// The CMP's version.
    pub cmp_version: u16,
    /// Two lower-case letters, e.g. `en`.
    pub consent_language: String,
    /// Global vendor list version.
    pub vendor_list_version: u16,
    /// TCF policy version (4 and above: TCF 2.2).
    pub policy_version: u8,
    /// Bit `i` set: consent for purpose `i + 1`.
    pub purposes_consent: u32,
}

impl TcString {
    /// Parses the core segment of a TC string.
    pub fn parse(tc: &str) -> Result<TcString, TcfError> {
        let tc = tc.trim();
        if tc.is_empty() {
            return Err(TcfError::Empty);
        }
        if tc.len() > MAX_TC_STRING_LEN {
            return Err(TcfError::TooLong(tc.len()));
        }
        let mut segments = tc.split('.');
        let core = segments.next().unwrap_or_default();
        let bits = decode_base64url(core, 0)?;
        let mut offset = core.len() + 1;
        for segment in segments {
            decode_base64url(segment, offset)?;
            offset += segment.len() + 1;
        }
        let total = bits.len() * 8;
        if total < MIN_CORE_BITS {
            return Err(TcfError::TooShort(total));
        }
        let reader = Bits(&bits);
        let version = reader.read(0, 6) as u8;
        if version != 2 {
            return Err(TcfError::UnsupportedVersion(version));
        }
        let letter = |at: usize| {
            let v = reader.read(at, 6) as u8;
            (v < 26).then_some((b'a' + v) as char)
        };
        let consent_language = match (letter(108), letter(114)) {
            (Some(a), Some(b)) => format!("{a}{b}"),
            _ => return Err(TcfError::InvalidLanguage),
        };
        Ok(TcString {
            version,
            created: reader.read(6, 36),
            last_updated: reader.read(42, 36),
            cmp_id: reader.read(78, 12) as u16,
            cmp_version: reader.read(90, 12) as u16,
            consent_language,
            vendor_list_version: reader.read(120, 12) as u16,
            policy_version: reader.read(132, 6) as u8,
            // The field lists purpose 1 first; store it as bit 0.
            purposes_consent: (reader.read(PURPOSES_OFFSET, 24).reverse_bits() >> 40) as u32,
        })
    }

    /// Whether TCF purpose `n` (1-based) has consent.
    pub fn purpose_consent(&self, n: u8) -> bool {
        (1..=24).contains(&n) && self.purposes_consent & (1 << (n - 1)) != 0
    }

    /// The consent update this string implies under `mapping`.
    pub fn to_update(&self, mapping: &TcfMapping) -> ConsentUpdate {
        let all = |purposes: &[u8]| {
            !purposes.is_empty() && purposes.iter().all(|&n| self.purpose_consent(n))
        };
        ConsentUpdate {
            personalization: Some(all(&mapping.personalization)),
            measurement: Some(all(&mapping.measurement)),
        }
    }
}

/// Which TCF purposes each Vitrine purpose needs (all of them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TcfMapping {
    /// Default `[1, 3]`: store/access information on a device; create profiles.
    pub personalization: Vec<u8>,
    /// Default `[1, 9, 10]`: storage; audience statistics; develop and improve services.
    pub measurement: Vec<u8>,
}

impl Default for TcfMapping {
    fn default() -> Self {
        TcfMapping {
            personalization: vec![1, 3],
            measurement: vec![1, 9, 10],
        }
    }
}

impl TcfMapping {
    /// Checks that every purpose number exists.
    pub fn validate(&self) -> Result<(), TcfError> {
        match self
            .personalization
            .iter()
            .chain(&self.measurement)
            .find(|n| !(1..=24).contains(*n))
        {
            Some(n) => Err(TcfError::InvalidPurpose(*n)),
            None => Ok(()),
        }
    }
}

struct Bits<'a>(&'a [u8]);

impl Bits<'_> {
    /// Reads `len ≤ 64` bits at bit `at`, big-endian; bits past the end read as zero.
    fn read(&self, at: usize, len: usize) -> u64 {
        (at..at + len).fold(0u64, |acc, i| {
            let bit = self
                .0
                .get(i / 8)
                .map_or(0, |byte| (byte >> (7 - i % 8)) & 1);
            (acc << 1) | u64::from(bit)
        })
    }
}

/// Decodes unpadded base64url; `offset` locates errors in the whole string.
fn decode_base64url(s: &str, offset: usize) -> Result<Vec<u8>, TcfError> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4 + 1);
    let (mut acc, mut nbits) = (0u32, 0u32);
    for (i, c) in s.bytes().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return Err(TcfError::InvalidCharacter(offset + i)),
        };
        acc = (acc << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
            acc &= (1 << nbits) - 1;
        }
    }
    Ok(out)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "tcf_tests.rs"]
mod tests;
