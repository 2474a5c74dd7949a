pub mod bench;
pub mod compile;
pub mod run;
