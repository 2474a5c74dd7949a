pub mod bench;
pub mod compile;
pub mod flags;
pub mod replay;
pub mod run;
pub mod serve;
pub mod types;

pub use jsw::output::json_string;
