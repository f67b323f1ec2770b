//! The TypeScript declarations of every value the wasm API hands to the page or takes from
//! it (`www/types/api.d.ts`), generated from the Rust types themselves with `ts-rs`, so the
//! page's JS is type-checked against the same source of truth as the JSON
//! (docs/wasm-api.md). Test-only: `ts-rs` is a dev-dependency and the types derive `TS`
//! under `cfg(test)`, so the shipped module does not change. `src/wasm.rs` includes the
//! committed file in the module's `.d.ts` and names these types on its exports.
//!
//! The committed file must equal what the types generate (a native test: the wasm test
//! runners have no file system); after a deliberate change:
//!
//! ```sh
//! PAXOSCOPE_BLESS=1 cargo test --lib api_types
//! ```

// The generator and its tests run natively; the wasm32 test build only needs `ts_as!`.
#![cfg_attr(target_arch = "wasm32", allow(dead_code, unused_imports))]

/// Implements `TS` for a type whose serde form is that of another type (`as`): the map and
/// set types kept in vectors are written as maps and arrays (src/vec_map.rs), a view of a
/// map's last slots as that map (src/sim/view/node.rs).
macro_rules! ts_as {
    (impl<$($lt:lifetime,)? $($g:ident),*> $ty:ty => $shadow:ty) => {
        impl<$($lt,)? $($g: ts_rs::TS),*> ts_rs::TS for $ty {
            type WithoutGenerics = <$shadow as ts_rs::TS>::WithoutGenerics;
            type OptionInnerType = Self;
            fn name(cfg: &ts_rs::Config) -> String {
                <$shadow as ts_rs::TS>::name(cfg)
            }
            fn inline(cfg: &ts_rs::Config) -> String {
                <$shadow as ts_rs::TS>::inline(cfg)
            }
            fn visit_dependencies(v: &mut impl ts_rs::TypeVisitor)
            where
                Self: 'static,
            {
                <$shadow as ts_rs::TS>::visit_dependencies(v);
            }
            fn visit_generics(v: &mut impl ts_rs::TypeVisitor)
            where
                Self: 'static,
            {
                <$shadow as ts_rs::TS>::visit_generics(v);
            }
        }
    };
}

use ts_rs::{Config, TypeVisitor, TS};

use crate::check::invariants::InvariantViolation;
use crate::check::verdict::InvariantStatus;
use crate::explore::page::{Found, SearchStatus, SwarmSeed};
use crate::explore::shrink::Shrunk;
use crate::explore::Bounds;
use crate::sim::action::Action;
use crate::sim::presets::PresetInfo;
use crate::sim::run::StepResult;
use crate::sim::scenario::Scenario;
use crate::sim::spacetime::causal::CausalPast;
use crate::sim::view::log::LogWindow;
use crate::sim::view::node::{NodeDetail, NodeView};
use crate::sim::view::spacetime::SpaceTimeWindow;
use crate::sim::view::StateView;
use crate::vocabulary::{Term, Vocabulary};
use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// Where the declarations are committed, relative to the crate root.
const API_TYPES_PATH: &str = "www/types/api.d.ts";

/// The file's first lines: what it is and how it is made.
const HEADER: &str = "\
// The types of every value the wasm API (src/wasm.rs, docs/wasm-api.md) hands to the page
// or takes from it. Generated from the Rust types by src/api_types.rs (ts-rs): do not edit.
// Regenerate after a deliberate change with `PAXOSCOPE_BLESS=1 cargo test --lib api_types`.
// src/wasm.rs includes this file in www/pkg/paxoscope.d.ts; the page imports the types
// from './pkg/paxoscope.js' in JSDoc.
";

/// The values the API builds from the generated types: `node(id)` and `state()` flatten
/// each node's `NodeDetail` into its `NodeView` (`#[serde(flatten)]`, which ts-rs cannot
/// write for an `Option`).
const COMPOSED: &str = "
/** `node(id)`: one node with its durable and volatile parts (logs cut to 64 slots). */
export type InspectedNode = NodeView & NodeDetail;

/** `state()`: the state with every node's durable and volatile parts. */
export type FullState = Omit<StateView, \"nodes\"> & { nodes: Array<InspectedNode> };
";

/// How ts-rs writes the types: JSON numbers for `u64` (every integer the API sends is
/// far below 2^53: steps, slots, ids, ticks), not `bigint`.
fn config() -> Config {
    Config::new().with_large_int("number")
}

/// Collects the declaration of every named type reachable from the roots, by TS name.
struct Collect<'a> {
    cfg: &'a Config,
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, (String, String)>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Primitives, arrays, options and maps have no declaration of their own.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let name = T::ident(self.cfg);
        let rust = std::any::type_name::<T>().to_string();
        let mut decl = String::new();
        if let Some(docs) = T::docs() {
            decl.push_str(&docs);
        }
        decl.push_str("export ");
        decl.push_str(&T::decl(self.cfg));
        if let Some((_, other)) = self.decls.get(&name) {
            assert_eq!(
                other, &rust,
                "two Rust types are both called {name} in TypeScript: rename one"
            );
        }
        self.decls.insert(name, (decl, rust));
        T::visit_dependencies(self);
    }
}

/// The whole file: every type the API names, then what they depend on, sorted by name.
fn generate() -> String {
    let cfg = config();
    let mut collect = Collect {
        cfg: &cfg,
        seen: HashSet::new(),
        decls: BTreeMap::new(),
    };
    // The values of the exports in src/wasm.rs (and what they contain).
    collect.visit::<StateView<'static>>(); // state(), view()
    collect.visit::<NodeView<'static>>(); // node(id), state().nodes
    collect.visit::<NodeDetail<'static>>(); // node(id), state().nodes: flattened in
    collect.visit::<LogWindow>(); // logWindow(from, count)
    collect.visit::<SpaceTimeWindow<'static>>(); // spacetime(from, to)
    collect.visit::<CausalPast<'static>>(); // causalPast(event)
    collect.visit::<StepResult>(); // apply(action), step()
    collect.visit::<Action>(); // apply(action)'s argument
    collect.visit::<Scenario>(); // scenario() / fromScenario(json), as JSON text
    collect.visit::<PresetInfo>(); // presets()
    collect.visit::<Term>(); // bugs()
    collect.visit::<Vocabulary>(); // vocabulary()
    collect.visit::<InvariantStatus>();
    collect.visit::<InvariantViolation>();
    collect.visit::<Bounds>(); // boundsForBug(bug), Search.fromStep(json, step, bounds)
    collect.visit::<SearchStatus>(); // Search.status()
    collect.visit::<Found>(); // Search.found()
    collect.visit::<Shrunk>(); // shrink(json)
    collect.visit::<SwarmSeed>(); // swarmSeed(seed, bug)

    // A log value is named `Value` everywhere; its declaration is its JSON form's (the
    // Rust type forwards its name only, so the walk above never declares it).
    collect.visit::<crate::paxos::value::ValueJson>();

    let mut out = String::from(HEADER);
    out.push_str(COMPOSED);
    for (decl, _) in collect.decls.values() {
        out.push('\n');
        out.push_str(&layout(decl));
    }
    out
}

fn bless() -> bool {
    std::env::var_os("PAXOSCOPE_BLESS").is_some_and(|v| v != "0" && !v.is_empty())
}

/// The committed declarations are what the Rust types generate: a renamed or retyped
/// field of any value the page receives changes them, and this test says so.
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn committed_declarations_match_the_rust_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(API_TYPES_PATH);
    let generated = generate();
    if bless() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let first = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(generated.lines().count()));
        let actual = std::env::temp_dir().join("paxoscope-api.d.ts");
        std::fs::write(&actual, &generated).unwrap();
        panic!(
            "{API_TYPES_PATH} differs from what the Rust types generate (first at line {}):\n  \
             committed: {:?}\n  generated: {:?}\nthe generated file is in {}; if the change is \
             deliberate (and in docs/wasm-api.md), run\n  \
             PAXOSCOPE_BLESS=1 cargo test --lib api_types",
            first + 1,
            committed.lines().nth(first).unwrap_or("(end of file)"),
            generated.lines().nth(first).unwrap_or("(end of file)"),
            actual.display()
        );
    }
}

/// The declarations speak JSON: no `bigint` (u64 is a number), no `any` or `unknown`.
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn declarations_name_no_loose_type() {
    let code = without_comments(&generate());
    for word in ["any", "unknown", "bigint", "object", "Function"] {
        let found = code
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|w| w == word);
        assert!(!found, "the API's declarations use the loose type `{word}`");
    }
}

/// One piece of a declaration: text, a `/* */` comment, or a `{ }` group.
enum Piece {
    Text(String),
    Comment(String),
    Group(Vec<Piece>),
}

/// Splits TypeScript text into pieces, braces inside strings and comments left alone.
fn pieces(chars: &mut std::iter::Peekable<std::str::Chars>) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut Vec<Piece>| {
        if !text.is_empty() {
            out.push(Piece::Text(std::mem::take(text)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                flush(&mut text, &mut out);
                let mut comment = String::from("/");
                while let Some(c) = chars.next() {
                    comment.push(c);
                    if c == '*' && chars.peek() == Some(&'/') {
                        comment.push(chars.next().unwrap());
                        break;
                    }
                }
                out.push(Piece::Comment(comment));
            }
            '"' => {
                text.push(c);
                while let Some(c) = chars.next() {
                    text.push(c);
                    match c {
                        '\\' => text.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' => {
                flush(&mut text, &mut out);
                out.push(Piece::Group(pieces(chars)));
            }
            '}' => break,
            _ => text.push(c),
        }
    }
    flush(&mut text, &mut out);
    out
}

/// Lays a declaration out one field a line: an object type with documented fields spreads
/// over lines (`{` ending one, `}` starting another, as wasm-bindgen's .d.ts indents
/// them), any other stays on one line.
fn layout(decl: &str) -> String {
    let mut out = String::new();
    write_pieces(&pieces(&mut decl.chars().peekable()), 0, &mut out);
    let mut lines = String::new();
    for line in out.lines() {
        lines.push_str(line.trim_end());
        lines.push('\n');
    }
    lines
}

fn indent(level: usize) -> String {
    "    ".repeat(level)
}

fn write_comment(comment: &str, level: usize, out: &mut String) {
    for line in comment.lines().map(str::trim) {
        out.push_str(&indent(level));
        if line.starts_with('*') {
            out.push(' ');
        }
        out.push_str(line);
        out.push('\n');
    }
}

fn write_pieces(pieces: &[Piece], level: usize, out: &mut String) {
    for piece in pieces {
        match piece {
            Piece::Text(text) => {
                let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
                if text.starts_with(char::is_whitespace)
                    && !(out.is_empty() || out.ends_with('\n') || words.is_empty())
                {
                    out.push(' ');
                }
                out.push_str(&words);
                if text.ends_with(char::is_whitespace) {
                    out.push(' ');
                }
            }
            Piece::Comment(comment) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                write_comment(comment, level, out);
            }
            Piece::Group(inner) if inner.iter().any(|p| matches!(p, Piece::Comment(_))) => {
                out.push_str("{\n");
                let mut member = String::new();
                let end_member = |member: &mut String, out: &mut String| {
                    let text = member.trim();
                    if !text.is_empty() {
                        out.push_str(&indent(level + 1));
                        out.push_str(text);
                        out.push('\n');
                    }
                    member.clear();
                };
                let mut depth = 0i32;
                for piece in inner {
                    match piece {
                        Piece::Comment(comment) => {
                            end_member(&mut member, out);
                            write_comment(comment, level + 1, out);
                        }
                        Piece::Text(text) => {
                            for word in text.split_whitespace() {
                                if !member.is_empty()
                                    && !member.ends_with(['{', '[', '<', '('])
                                    && !word.starts_with([',', ';', ']', '>', ')'])
                                {
                                    member.push(' ');
                                }
                                for c in word.chars() {
                                    member.push(c);
                                    match c {
                                        '<' | '[' | '(' => depth += 1,
                                        '>' | ']' | ')' => depth -= 1,
                                        ',' if depth == 0 => end_member(&mut member, out),
                                        _ => {}
                                    }
                                }
                            }
                        }
                        Piece::Group(_) => {
                            let mut nested = String::new();
                            write_pieces(std::slice::from_ref(piece), level + 1, &mut nested);
                            if !member.is_empty() {
                                member.push(' ');
                            }
                            member.push_str(&nested);
                        }
                    }
                }
                end_member(&mut member, out);
                out.push_str(&indent(level));
                out.push('}');
            }
            Piece::Group(inner) => {
                let mut text = String::new();
                write_pieces(inner, level, &mut text);
                out.push_str("{ ");
                out.push_str(text.trim());
                out.push_str(" }");
            }
        }
    }
}

/// The TypeScript text without its `//` and `/* */` comments (the types' documentation).
fn without_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, tail)| tail);
        } else if rest.starts_with("//") {
            rest = rest.split_once('\n').map_or("", |(_, tail)| tail);
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The comment stripper keeps code and drops both kinds of comment.
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn comments_are_stripped() {
    assert_eq!(
        without_comments("// any\n/** any\n * any */type A = { a: number };"),
        "type A = { a: number };"
    );
}
