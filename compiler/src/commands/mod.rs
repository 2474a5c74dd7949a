pub mod compile;
pub mod run;
