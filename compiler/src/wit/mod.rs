//! WIT worlds: loading a package (with wit-parser, never by hand) and choosing
//! the world a plugin is built against. `dts.rs` turns a world into TypeScript
//! declarations, named as jco names them, so that code written for
//! ComponentizeJS reads the same.

mod dts;
pub mod plan;

use std::path::Path;

use anyhow::{Context as _, Result};
use wit_parser::{Resolve, WorldId};

pub use dts::declarations;

/// A loaded WIT package and the chosen world.
pub struct World {
    pub resolve: Resolve,
    pub world: WorldId,
}

/// Loads the WIT package at `path` (a folder of `.wit` files, with dependencies
/// in `deps/`, or one `.wit` file) and selects `world` in it (by name, or the
/// package's only world when None).
pub fn load(path: &Path, world: Option<&str>) -> Result<World> {
    if !path.exists() {
        anyhow::bail!(
            "{} does not exist: give the folder holding the world's .wit files (e.g. --wit wit)",
            path.display()
        );
    }
    let mut resolve = Resolve::new();
    let (package, _) = match resolve.push_path(path) {
        Ok(found) => found,
        Err(e) => match located(path) {
            Some(message) => anyhow::bail!("invalid WIT: {message}"),
            None => {
                return Err(e.context(format!("cannot read the WIT package in {}", path.display())));
            }
        },
    };
    let world = resolve.select_world(&[package], world).with_context(|| {
        let worlds: Vec<&str> = resolve.packages[package]
            .worlds
            .keys()
            .map(String::as_str)
            .collect();
        format!(
            "no such world in {} (its worlds: {})",
            path.display(),
            if worlds.is_empty() {
                "none".to_string()
            } else {
                worlds.join(", ")
            }
        )
    })?;
    Ok(World { resolve, world })
}

/// `ns:pkg/world@version`, as the world is named in messages and in the
/// declarations' world module.
pub fn world_name(world: &World) -> String {
    dts::world_module_name(&world.resolve, world)
}

/// The package's own parse error, rendered by wit-parser with file:line:col and
/// the offending line (the error `push_path` returns names only the package).
/// None when the package itself parses (the problem is in a dependency).
fn located(path: &Path) -> Option<String> {
    let mut map = wit_parser::SourceMap::new();
    let pushed = if path.is_dir() {
        map.push_dir(path)
    } else {
        map.push_file(path)
    };
    pushed.ok()?;
    match map.parse() {
        Ok(_) => None,
        Err((map, e)) => Some(e.render(&map)),
    }
}

/// jco's names: kebab-case to lowerCamelCase (functions, fields, parameters,
/// exported interfaces).
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A local JS name for `camel_name`: the name itself, unless it is a reserved
/// word (a WIT function may be called `delete`), which gets a `_` after it.
pub fn local_name(camel_name: &str) -> String {
    const RESERVED: &str = "arguments await break case catch class const continue debugger \
        default delete do else enum eval export extends false finally for function if implements \
        import in instanceof interface let new null package private protected public return \
        static super switch this throw true try typeof var void while with yield";
    if RESERVED.split_whitespace().any(|w| w == camel_name) {
        format!("{camel_name}_")
    } else {
        camel_name.to_string()
    }
}

/// jco's names: kebab-case to UpperCamelCase (types, resources).
pub fn pascal(name: &str) -> String {
    let camel = camel(name);
    let mut chars = camel.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => camel,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_jco() {
        assert_eq!(camel("get-item-by-id"), "getItemById");
        assert_eq!(camel("version"), "version");
        assert_eq!(pascal("http-request"), "HttpRequest");
        assert_eq!(pascal("item"), "Item");
        assert_eq!(local_name("log"), "log");
        assert_eq!(local_name("delete"), "delete_");
    }
}
