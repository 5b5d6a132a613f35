//! Many programs in one binary, when that cannot change a verdict.
//!
//! Each program becomes a module (its own file `sNNNN.rs`, so compiler errors name it), and a
//! generated `main` calls the program selected by an environment variable that it removes before
//! handing over. Every program still *runs* in its own jail, so a crash or hang stays its own; only
//! the build is shared. A program that could behave differently as a module (crate-level
//! attributes, `crate::` paths, exported symbols or macros) is built alone, and so is every
//! member of a batch whose build fails in a way that cannot be pinned on single files.

use super::program::{Kind, Program};

/// The variable naming the member to run; removed before the member's `main` starts.
pub const SELECT_VAR: &str = "SIGIL_EXEC_MEMBER";

/// Whether `source` can be a batch member without any chance of a different verdict.
pub fn batchable(source: &str) -> bool {
    // `type_name`/`module_path!` would print the module path into the program's output; a program
    // that starts processes may start itself again, and a batch binary would not select it.
    // `include` (include!, include_str!, include_bytes!): a batch is one rustc run over every
    // member's file, so a member could read its peers' sources; alone it sees only its own.
    const ALONE: [&str; 16] = [
        "#![", "crate::", "$crate", "macro_export", "no_mangle", "export_name", "link_section", "global_allocator",
        "extern crate", "#[path", "type_name", "module_path", "Command", "current_exe", "/proc/self", "include",
    ];
    !ALONE.iter().any(|marker| source.contains(marker))
}

/// File name of member `i`.
pub fn member_file(i: usize) -> String {
    format!("s{i:04}.rs")
}

/// Module name of member `i` (also the libtest filter prefix that selects its tests).
pub fn member_module(i: usize) -> String {
    format!("sigil_member_{i:04}")
}

/// The text of member `i`'s file.
pub fn member_source(program: &Program) -> String {
    let mut text = program.source.clone();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    if program.kind != Kind::Unit {
        // Appended to the member's own file, so a member without a usable `main` fails on its own file.
        text.push_str("\n#[allow(dead_code)]\npub fn __sigil_exec_entry() -> impl ::std::process::Termination {\n    main()\n}\n");
    }
    text
}

/// The crate root of a batch of `n` members of `kind`.
pub fn root_source(kind: Kind, n: usize) -> String {
    let mut root = String::new();
    for i in 0..n {
        root.push_str(&format!("#[path = \"{}\"]\nmod {};\n", member_file(i), member_module(i)));
    }
    if kind != Kind::Unit {
        root.push_str("\nfn main() -> ::std::process::ExitCode {\n    use ::std::process::Termination;\n");
        root.push_str(&format!("    let member = ::std::env::var(\"{SELECT_VAR}\").unwrap_or_default();\n"));
        // Single-threaded here: nothing else reads the environment yet.
        root.push_str(&format!("    ::std::env::remove_var(\"{SELECT_VAR}\");\n    match member.as_str() {{\n"));
        for i in 0..n {
            root.push_str(&format!("        \"{i}\" => {}::__sigil_exec_entry().report(),\n", member_module(i)));
        }
        root.push_str("        _ => ::std::process::ExitCode::from(120),\n    }\n}\n");
    }
    root
}
