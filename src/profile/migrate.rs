//! Schema migrations of the stored profile.
//!
//! Each schema version is stored under its own key (`{ns}:v{N}:profile`), so a newer SDK never
//! overwrites what an older one wrote by mistake. On start-up, [`upgrade_stored`] looks for an
//! older version when the current one is absent, converts it, writes the current version and
//! removes the old key; a value it cannot read is quarantined, never destroyed.
//!
//! | from | to | change |
//! |---|---|---|
//! | 1 | 2 | `{version, eventCount, updatedMs, affinities}` gains price statistics, activity (RFM), coverage, session, recent items, the pause flag and the retention. Affinities keep their shape. Activity starts at `updatedMs` (the only time version 1 kept); values matching the sensitive list are purged, since version 1 had no guard. |

use super::config::ProfileConfig;
use super::{Profile, PROFILE_VERSION};
use crate::storage::persist::{self, Keys, Warning, STORAGE_CORRUPT, STORAGE_WRITE_FAILED};
use crate::storage::KeyValueStore;

/// A stored profile of an older schema version was converted to the current one.
pub const STORAGE_MIGRATED: &str = "VITRINE_STORAGE_MIGRATED";

/// Why a stored document could not be migrated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MigrateError {
    /// The document is not JSON.
    #[error("stored profile is not JSON: {0}")]
    NotJson(String),
    /// The document is not a JSON object.
    #[error("stored profile is not a JSON object")]
    NotAnObject,
    /// The document's version is not one this SDK knows how to migrate.
    #[error("stored profile has version {0}; this SDK migrates versions 1 to {PROFILE_VERSION}")]
    UnknownVersion(u64),
}

/// Converts a stored profile (its JSON text) of any known version to the current schema.
pub fn migrate(text: &str, config: &ProfileConfig, now_ms: f64) -> Result<Profile, MigrateError> {
    let version = crate::json::version(text)
        .map_err(|e| MigrateError::NotJson(e.to_string()))?
        .unwrap_or(1);
    if !(1..=u64::from(PROFILE_VERSION)).contains(&version) {
        return Err(MigrateError::UnknownVersion(version));
    }
    let mut profile = Profile::from_stored(text).ok_or(MigrateError::NotAnObject)?;
    if version == 1 {
        let seen = (profile.updated_ms > 0.0).then_some(profile.updated_ms);
        profile.activity.first_ms = seen;
        profile.activity.last_ms = seen;
        profile.retention = config.retention;
    }
    profile.repair(now_ms);
    profile.expire(now_ms, config);
    profile.version = PROFILE_VERSION;
    Ok(profile)
}

/// Upgrades an older stored profile in place, before the engine loads the current one.
/// Does nothing when the current version is present or storage cannot be read (loading will
/// report that). Returns warnings for the page.
pub fn upgrade_stored(
    store: &mut dyn KeyValueStore,
    keys: &Keys,
    config: &ProfileConfig,
    now_ms: f64,
) -> Vec<Warning> {
    let current = keys.doc("profile", PROFILE_VERSION);
    if !matches!(store.get(&current), Ok(None)) {
        return Vec::new();
    }
    for version in (1..PROFILE_VERSION).rev() {
        let old_key = keys.doc("profile", version);
        let Ok(Some(raw)) = store.get(&old_key) else {
            continue;
        };
        let parsed = migrate(&raw, config, now_ms).map_err(|e| e.to_string());
        let warning = match parsed {
            Ok(profile) => match persist::save(store, keys, &profile) {
                Ok(()) => {
                    let _ = store.remove(&old_key);
                    Warning {
                        code: STORAGE_MIGRATED,
                        message: format!(
                            "stored profile migrated from version {version} to {PROFILE_VERSION}"
                        ),
                        key: Some(current.clone()),
                        quarantine_key: None,
                    }
                }
                Err(e) => Warning {
                    code: STORAGE_WRITE_FAILED,
                    message: format!("stored profile version {version} could not be migrated: {e}"),
                    key: Some(old_key),
                    quarantine_key: None,
                },
            },
            Err(message) => {
                let quarantine = keys.quarantine("profile", now_ms);
                let saved = store.set(&quarantine, &raw).is_ok();
                if saved {
                    let _ = store.remove(&old_key);
                }
                Warning {
                    code: STORAGE_CORRUPT,
                    message: format!("stored profile version {version} is unreadable: {message}"),
                    key: Some(old_key),
                    quarantine_key: saved.then_some(quarantine),
                }
            }
        };
        return vec![warning];
    }
    Vec::new()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::storage::MemoryStore;

    const V1: &str = r#"{"version":1,"eventCount":3,"updatedMs":86400000,
        "affinities":{"colour":{"Red":[8.0,86400000],"Blue":[2.0,0]},
                      "department":{"Maternity":[4.0,86400000],"Jersey":[1.0,86400000]},
                      "priceBand":{"mid":[8.0,86400000]}}}"#;

    #[test]
    fn version_1_migrates_keeping_affinities_and_purging_sensitive_values() {
        let cfg = ProfileConfig::default();
        let p = migrate(V1, &cfg, 2.0 * 86_400_000.0).unwrap();
        assert_eq!(p.version, PROFILE_VERSION);
        assert_eq!(p.event_count, 3);
        assert_eq!(p.affinities["colour"]["Red"].0, 8.0);
        assert!(p.affinities["colour"].contains_key("Blue"));
        assert!(!p.affinities["department"].contains_key("Maternity"));
        assert_eq!(p.activity.last_ms, Some(86_400_000.0));
        assert_eq!(p.retention, cfg.retention);
        let back: Profile = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn upgrade_moves_the_old_key_and_quarantines_garbage() {
        let cfg = ProfileConfig::default();
        let keys = Keys::new("t");
        let mut store = MemoryStore::default();
        store.set("t:v1:profile", V1).unwrap();
        let warnings = upgrade_stored(&mut store, &keys, &cfg, 2.0 * 86_400_000.0);
        assert_eq!(warnings[0].code, STORAGE_MIGRATED);
        assert_eq!(store.get("t:v1:profile").unwrap(), None);
        let loaded = persist::load::<Profile>(&mut store, &keys, 2.0 * 86_400_000.0).unwrap();
        assert_eq!(loaded.value.event_count, 3);
        assert!(loaded.warnings.is_empty());
        // Nothing to do once migrated.
        assert!(upgrade_stored(&mut store, &keys, &cfg, 0.0).is_empty());

        let mut store = MemoryStore::default();
        store.set("t:v1:profile", "[1,2").unwrap();
        let warnings = upgrade_stored(&mut store, &keys, &cfg, 5.0);
        assert_eq!(warnings[0].code, STORAGE_CORRUPT);
        let q = warnings[0].quarantine_key.clone().unwrap();
        assert_eq!(store.get(&q).unwrap().as_deref(), Some("[1,2"));
        assert_eq!(store.get("t:v1:profile").unwrap(), None);
    }

    #[test]
    fn unknown_versions_are_refused() {
        let cfg = ProfileConfig::default();
        assert_eq!(
            migrate(r#"{"version":99}"#, &cfg, 0.0),
            Err(MigrateError::UnknownVersion(99))
        );
        assert!(matches!(
            migrate(r#"{"version":1"#, &cfg, 0.0),
            Err(MigrateError::NotJson(_))
        ));
        assert_eq!(migrate("[1]", &cfg, 0.0), Err(MigrateError::NotAnObject));
    }
}
