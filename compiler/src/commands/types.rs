use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;

/// Write TypeScript declarations for a WIT world (`.d.ts`), so that editors and
/// `tsc` check a plugin against the world it implements.
///
/// Each interface becomes an ambient module named by its WIT path
/// (`acme:plugin/host`), and the world one more (`acme:plugin/transformer`) with
/// its types and the functions a plugin exports. Names follow jco: kebab-case
/// becomes camelCase or PascalCase.
#[derive(Args, Debug)]
pub struct TypesCommand {
    /// The WIT package: a folder of .wit files (dependencies in deps/), or one file.
    #[arg(long, value_name = "DIR")]
    pub wit: PathBuf,

    /// The world to describe [default: the package's only world].
    #[arg(long, value_name = "NAME")]
    pub world: Option<String>,

    /// Where to write the declarations [default: standard output].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl TypesCommand {
    pub fn execute(self) -> Result<i32> {
        let world = jsw::wit::load(&self.wit, self.world.as_deref())?;
        let text = jsw::wit::declarations(&world)?;
        match &self.output {
            Some(path) => jsw::output::write_atomic(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?,
            None => print!("{text}"),
        }
        Ok(0)
    }
}
