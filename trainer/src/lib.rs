//! `vitrine-trainer` as a library: the dataset reader, so other native programs (the reference
//! server) read the H&M data with exactly the code the trainer uses. The CLI is `src/main.rs`.

// Some test helpers in `dataset::tests` are only used by the binary's own tests.
#[cfg_attr(test, allow(dead_code))]
pub mod dataset;
