//! The architecture rules of `docs/architecture.md`, checked on the source text so that they
//! hold without anyone remembering them:
//!
//! - the runtime library does not depend on the compiler, directly or through any crate, so
//!   the server links none of the Markdown, template or drawing crates;
//! - no source file of the runtime or the bundle crate names the compiler;
//! - the modules of each library form no import cycle: neither among top-level modules
//!   (`crate::x` references) nor among sibling files of one directory (`super::x`). A parent
//!   module (`mod.rs`) may be used by its children; children do not use each other in a circle.
//!
//! This reads `use` lines and paths, not resolved items: simple, and enough to keep the layers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Crates the runtime must never link (directly or transitively).
const NOT_IN_RUNTIME: &[&str] = &["compiler", "pulldown-cmark", "minijinja", "tiny-skia"];

#[test]
fn the_runtime_does_not_link_the_compiler() {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).expect("Cargo.lock");
    let deps = lock_graph(&lock);
    for start in ["runtime", "bundle"] {
        let reached = closure(&deps, start);
        let bad: Vec<&&str> = NOT_IN_RUNTIME.iter().filter(|c| reached.contains(**c)).collect();
        assert!(bad.is_empty(), "{start} depends on {bad:?} (see docs/architecture.md)");
    }
    // The check above has teeth: the compiler does reach them.
    let compiler = closure(&deps, "compiler");
    assert!(compiler.contains("pulldown-cmark") && compiler.contains("bundle"));
}

#[test]
fn no_runtime_or_bundle_source_names_the_compiler() {
    for dir in ["runtime/src", "compiler/bundle/src"] {
        for (file, text) in sources(&root().join(dir)) {
            let code = without_comments(&text);
            assert!(
                !code.contains("compiler::"),
                "{} names the compiler (see docs/architecture.md)",
                file.display()
            );
        }
    }
}

#[test]
fn no_import_cycles() {
    for dir in ["compiler/src", "compiler/bundle/src", "runtime/src", "runtime/oyako/src"] {
        let graphs = module_graphs(&root().join(dir));
        for (scope, graph) in &graphs {
            if let Some(cycle) = find_cycle(graph) {
                panic!("{dir}: import cycle in {scope}: {}", cycle.join(" → "));
            }
        }
    }
}

#[test]
fn the_cycle_check_finds_cycles() {
    let graph: Graph = [("a", &["b"][..]), ("b", &["c"]), ("c", &["a"]), ("d", &["a"])]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect();
    assert_eq!(find_cycle(&graph), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
    let tree: Graph = [("a".to_string(), BTreeSet::from(["b".to_string()]))].into();
    assert_eq!(find_cycle(&tree), None);
    let code = "use crate::x::Y; // crate::z\n#[cfg(test)]\nmod tests {\n use crate::w;\n}\n";
    assert_eq!(references(&without_tests(&without_comments(code)), "crate::"), ["x"]);
}

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Package name → names of its dependencies, from `Cargo.lock`.
fn lock_graph(lock: &str) -> Graph {
    let mut graph = Graph::new();
    let mut name = String::new();
    let mut in_deps = false;
    for line in lock.lines().map(str::trim) {
        if line == "[[package]]" {
            in_deps = false;
        } else if let Some(n) = line.strip_prefix("name = ") {
            name = n.trim_matches('"').to_string();
            graph.entry(name.clone()).or_default();
        } else if line.starts_with("dependencies = [") {
            in_deps = !line.ends_with(']');
        } else if in_deps && line == "]" {
            in_deps = false;
        } else if in_deps {
            let dep = line.trim_matches(|c| c == '"' || c == ',');
            let dep = dep.split(' ').next().unwrap_or(dep);
            graph.entry(name.clone()).or_default().insert(dep.to_string());
        }
    }
    graph
}

/// Every package reachable from `start`.
fn closure<'a>(graph: &'a Graph, start: &'a str) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![start];
    while let Some(p) = todo.pop() {
        if seen.insert(p) {
            todo.extend(graph.get(p).into_iter().flatten().map(String::as_str));
        }
    }
    seen
}

/// Every `.rs` file under `dir` with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("readable source tree");
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.to_path_buf(), std::fs::read_to_string(path).expect("utf-8 source")));
        }
    }
    out
}

/// The import graphs of one library: top-level modules under the key `crate`, and the
/// sibling files of each directory under the directory's path.
fn module_graphs(src: &Path) -> BTreeMap<String, Graph> {
    let mut graphs: BTreeMap<String, Graph> = BTreeMap::new();
    for (file, text) in sources(src) {
        let rel = file.strip_prefix(src).expect("under src").with_extension("");
        let parts: Vec<String> =
            rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        if parts.iter().any(|p| p == "tests") {
            continue;
        }
        let code = without_tests(&without_comments(&text));
        let top = match parts[0].as_str() {
            "lib" | "main" => "(root)".to_string(),
            t => t.to_string(),
        };
        let crate_graph = graphs.entry("crate".into()).or_default();
        let node = crate_graph.entry(top.clone()).or_default();
        node.extend(references(&code, "crate::").into_iter().filter(|m| *m != top));
        let (Some(name), true) = (parts.last(), parts.len() >= 2) else { continue };
        if name == "mod" {
            continue;
        }
        let dir = parts[..parts.len() - 1].join("/");
        let base = src.join(&dir);
        let is_sibling = |m: &String| {
            base.join(format!("{m}.rs")).exists() || base.join(m).join("mod.rs").exists()
        };
        let siblings = references(&code, "super::").into_iter().filter(is_sibling);
        graphs.entry(dir).or_default().entry(name.clone()).or_default().extend(siblings);
    }
    graphs
}

/// The module names that follow `prefix` (`crate::` or `super::`) in `code`.
fn references(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices(prefix) {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let name: String = code[i + prefix.len()..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// `code` without `//` comments (doc comments cite modules without using them).
fn without_comments(code: &str) -> String {
    code.lines().map(|l| l.split_once("//").map_or(l, |(c, _)| c)).collect::<Vec<_>>().join("\n")
}

/// `code` without `#[cfg(test)] mod … { … }` blocks.
fn without_tests(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let Some(open) = after.find(['{', ';']) else { return out };
        if after.as_bytes()[open] == b';' {
            rest = &after[open + 1..];
            continue;
        }
        let mut depth = 0usize;
        let mut end = after.len();
        for (i, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// A cycle in `graph` as a path that ends where it starts, if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        graph: &Graph,
        node: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(graph, next, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|n| visit(graph, n, &mut Vec::new(), &mut done))
}
