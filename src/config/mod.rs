//! The configuration: the INI file as the Python osarchiver reads it, and the typed plan built from it.
//!
//! Two layers, as ripgrep splits its arguments:
//! - [`ini`]: the raw file, parsed and interpolated exactly like Python's configparser with
//!   ExtendedInterpolation. It knows nothing of osarchiver.
//! - [`resolve`]: turns the raw sections into [`Config`] (in [`model`]), typed, with every
//!   default filled in, and validated; each error names its section and key.
//!
//! [`condition`] checks the `where` option (and `restore --where`): one condition that stays
//! inside its parentheses.
//!
//! Every key is defined once, in [`defs`] (with the vocabulary of [`keys`]): its sections, type,
//! default and documentation. [`resolve`], [`render`] and the unknown-key warnings read it.

pub mod clock;
pub mod condition;
pub mod defs;
pub mod error;
pub mod ini;
pub mod keys;
pub mod model;
pub mod option_file;
pub mod remote;
pub mod render;
pub mod resolve;
pub mod value;

pub use clock::RunClock;
pub use error::ConfigError;
pub use model::*;
pub use resolve::{load_file, resolve, Loaded};
