//! The shape of `src/`, checked: the dependency graph between files has no cycle and points
//! down, from the public API through the middle layer (`client/`) to the sans-IO HTTP layer
//! (`http1/`) and the transport (`transport/`). A reference is any `crate::…`, `super::…` or
//! (in a `mod.rs`) child path in code, comments and strings aside.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The public API files, on top: the middle layer never reaches up to them.
const PUBLIC_API: [&str; 5] = [
    "lib.rs",
    "agent.rs",
    "request.rs",
    "response.rs",
    "body_reader.rs",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every library source file, as a path relative to `src/` (the CLI is a program of its own).
fn library_files() -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                if rel != "bin" {
                    walk(&path, root, out);
                }
            } else if rel.ends_with(".rs") {
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(&src(), &src(), &mut out);
    out.sort();
    out
}

/// The module path of a file: `client/mod.rs` is `client`, `http1/head.rs` is `http1::head`.
fn module_of(file: &str) -> Vec<String> {
    let stem = file.trim_end_matches(".rs");
    let mut parts: Vec<String> = stem.split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The file that defines module `path`, or that defines the item at the end of `path`.
fn file_of(path: &[String], files: &BTreeSet<String>) -> String {
    for len in (1..=path.len()).rev() {
        let joined = path[..len].join("/");
        for candidate in [format!("{joined}.rs"), format!("{joined}/mod.rs")] {
            if files.contains(&candidate) {
                return candidate;
            }
        }
    }
    "lib.rs".to_string()
}

/// The source without comments and the insides of string and char literals.
fn code_only(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    in_string = false;
                    out.push('"');
                }
                '\n' => out.push('\n'),
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push('"');
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '\'' => {
                // A char literal such as '"' or '\n', or a lifetime: skip a literal whole.
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with('\\') {
                    for c in chars.by_ref() {
                        if c == '\'' {
                            break;
                        }
                    }
                } else if rest.chars().nth(1) == Some('\'') {
                    chars.next();
                    chars.next();
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

/// The code without its unit-test modules: a `#[cfg(test)] mod name { … }` block is cut out
/// (what a test module imports is no dependency of the file, and its `super` means the file
/// itself), and a `#[cfg(test)] mod name;` line is dropped; the code around them stays.
fn without_test_module(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = rest[at + 12..].trim_start();
        if !after.starts_with("mod ") {
            out.push_str("#[cfg(test)]");
            rest = &rest[at + 12..];
            continue;
        }
        let Some(end) = after.find(['{', ';']) else {
            return out;
        };
        if after.as_bytes()[end] == b';' {
            rest = &after[end + 1..];
            continue;
        }
        // Skip the braced block: comments and strings are already gone from `code`.
        let mut depth = 0usize;
        let mut close = after.len();
        for (i, c) in after.char_indices().skip(end) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[close..];
    }
    out.push_str(rest);
    out
}

/// Expands a `use` tree (`a::{b, c::{d, e}}`) into its paths.
fn expand_use(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or(&tree).to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(expand_use)
        .map(|p| {
            if p == "self" {
                prefix.trim_end_matches("::").to_string()
            } else {
                format!("{prefix}{p}")
            }
        })
        .collect()
}

/// The module paths a file refers to, resolved to absolute paths from the crate root.
fn references(file: &str, code: &str) -> Vec<Vec<String>> {
    let module = module_of(file);
    let is_mod_file = file.ends_with("mod.rs") || file == "lib.rs";
    let mut raw: Vec<String> = Vec::new();
    // `use` statements, braces expanded.
    for statement in code.split(';') {
        let statement = statement.trim();
        let body = statement
            .strip_prefix("pub(crate) use ")
            .or_else(|| statement.strip_prefix("pub use "))
            .or_else(|| {
                statement
                    .rsplit_once("use ")
                    .filter(|(before, _)| {
                        before.trim().is_empty()
                            || before.trim().ends_with(']')
                            || before.trim().ends_with('}')
                    })
                    .map(|(_, after)| after)
            });
        if let Some(body) = body {
            raw.extend(expand_use(body));
        }
    }
    // Paths in expressions and types.
    for (at, _) in code
        .match_indices("crate::")
        .chain(code.match_indices("super::"))
    {
        let path: String = code[at..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        // `crate::a::{b, c}` names a::b and a::c, which the `use` expansion above has; the
        // bare prefix is no reference to a's own file.
        if !path.ends_with("::") {
            raw.push(path);
        }
    }
    let mut out = Vec::new();
    for path in raw {
        let mut segments: Vec<String> = path
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let absolute = match segments.first().map(String::as_str) {
            Some("crate") => segments.split_off(1),
            Some("super") => {
                // `super` is the parent of this file's module, whether the file is a mod.rs.
                let mut base = module.clone();
                while segments.first().map(String::as_str) == Some("super") {
                    segments.remove(0);
                    base.pop();
                }
                base.extend(segments);
                base
            }
            Some("self") => {
                let mut base = module.clone();
                base.extend(segments.split_off(1));
                base
            }
            // A child module named from its parent's mod.rs (`use settings::Settings;`).
            Some(first) if is_mod_file && !matches!(first, "std" | "core" | "alloc") => {
                let mut base = module.clone();
                base.extend(segments);
                base
            }
            _ => continue,
        };
        if !absolute.is_empty() {
            out.push(absolute);
        }
    }
    out
}

/// Which files each file refers to (itself excluded).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let files: BTreeSet<String> = library_files().into_iter().collect();
    let mut graph = BTreeMap::new();
    for file in &files {
        let source = std::fs::read_to_string(src().join(file)).unwrap();
        let code = without_test_module(&code_only(&source));
        let targets: BTreeSet<String> = references(file, &code)
            .iter()
            .map(|path| file_of(path, &files))
            .filter(|target| target != file)
            .collect();
        graph.insert(file.clone(), targets);
    }
    graph
}

#[test]
fn the_files_of_src_have_no_import_cycle() {
    let graph = graph();
    // Depth-first search, reporting the first cycle found as a path.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(node) {
            Some(1) => {
                let start = stack.iter().position(|n| n == node).unwrap();
                let mut cycle = stack[start..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            Some(2) => return None,
            _ => {}
        }
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, state, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, &graph, &mut state, &mut Vec::new()) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

/// Fails if a layer the rules below name has no file: a rule about a folder that was renamed
/// or moved would otherwise check nothing and pass.
fn assert_layers_exist(graph: &BTreeMap<String, BTreeSet<String>>, layers: &[&str]) {
    for layer in layers {
        assert!(
            graph.keys().any(|file| file.starts_with(layer)),
            "no file under {layer}: the layering rules for it check nothing"
        );
    }
}

#[test]
fn the_middle_layer_never_reaches_up_to_the_public_api() {
    let graph = graph();
    assert_layers_exist(&graph, &["client/"]);
    for (file, targets) in graph {
        if file.starts_with("client/") {
            for target in targets {
                assert!(
                    !PUBLIC_API.contains(&target.as_str()),
                    "{file} refers to {target}, a public API file above it"
                );
            }
        }
    }
}

/// Files any layer may use, since they import nothing of the crate themselves: the error type,
/// and the one rule for showing a peer's text (`printable.rs`).
const SHARED_LEAVES: [&str; 2] = ["error.rs", "printable.rs"];

#[test]
fn http1_transport_and_tls_record_import_only_themselves_and_the_shared_leaves() {
    let graph = graph();
    assert_layers_exist(&graph, &["http1/", "transport/", "tls_record/"]);
    assert!(
        graph.get("printable.rs").is_some_and(BTreeSet::is_empty),
        "printable.rs must import nothing of the crate: {:?}",
        graph.get("printable.rs")
    );
    for (file, targets) in graph {
        // tls_record/ is a leaf the transport may use: it too imports nothing above it.
        for layer in ["http1/", "transport/", "tls_record/"] {
            if file.starts_with(layer) {
                for target in &targets {
                    // The TLS transport may hand the bytes it moves to the sans-IO record
                    // reader, a leaf module, for the trace (transport/tls_tap.rs).
                    let record_reader = layer == "transport/" && target.starts_with("tls_record/");
                    assert!(
                        target.starts_with(layer)
                            || SHARED_LEAVES.contains(&target.as_str())
                            || record_reader,
                        "{file} refers to {target}, outside {layer} and the shared leaves"
                    );
                }
            }
        }
    }
}

#[test]
fn http1_touches_no_socket_or_tls_and_transport_parses_no_http() {
    assert_layers_exist(&graph(), &["http1/", "transport/"]);
    for file in library_files() {
        let code = code_only(&std::fs::read_to_string(src().join(&file)).unwrap());
        if file.starts_with("http1/") {
            for word in ["std::net", "rustls", "TcpStream"] {
                assert!(!code.contains(word), "{file} mentions {word}");
            }
        }
        if file.starts_with("transport/") {
            assert!(!code.contains("httparse"), "{file} mentions httparse");
        }
    }
}

#[test]
fn the_checker_ignores_unit_test_modules_and_reads_what_follows_them() {
    let code =
        "use crate::a::B;\n#[cfg(test)]\nmod tests {\n    use super::*;\n    fn f() { }\n}\n";
    assert_eq!(without_test_module(code), "use crate::a::B;\n\n");
    let code = "mod x;\n#[cfg(test)]\nmod tests;\npub use crate::c::D;\n";
    assert_eq!(
        without_test_module(code),
        "mod x;\n\npub use crate::c::D;\n"
    );
}

#[test]
fn the_checker_sees_references_of_every_form() {
    let code = code_only(
        "use crate::a::{b, c::{D, E}};\n// use crate::comment::X;\nlet s = \"crate::string\";\nlet x = super::sibling::f();\n",
    );
    let refs = references("client/call.rs", &code);
    for expected in [
        vec!["a", "b"],
        vec!["a", "c", "D"],
        vec!["a", "c", "E"],
        vec!["client", "sibling", "f"],
    ] {
        assert!(
            refs.iter().any(|r| r == &expected),
            "{expected:?} not in {refs:?}"
        );
    }
    assert!(!refs
        .iter()
        .any(|r| r.first().map(String::as_str) == Some("comment")));
    assert!(!refs
        .iter()
        .any(|r| r.first().map(String::as_str) == Some("string")));
}
