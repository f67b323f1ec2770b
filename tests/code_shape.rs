//! The shape of the code (issue 9): no Rust file under src/ has more than 600 lines of
//! non-test code, and no function is longer than 70 lines (from its `fn` line to its
//! closing brace), so each file and function keeps one job. Test modules (`#[cfg(test)]`
//! items and files under a `tests` folder or named `tests.rs`) do not count. The few
//! justified exceptions are listed below with their reasons; an exception that no longer
//! needs to be one fails too, so the list stays true.
use std::path::{Path, PathBuf};

/// The most lines of non-test code a file may have.
const MAX_FILE_LINES: usize = 600;
/// The most lines a function may have.
const MAX_FN_LINES: usize = 70;

/// Functions allowed to be longer, as ("path::name", why). None today.
const LONG_FUNCTIONS: &[(&str, &str)] = &[];

/// Files allowed to be longer, as (path, why). None today.
const LONG_FILES: &[(&str, &str)] = &[];

/// One function found: where, its name, and how many lines it spans.
struct Function {
    file: String,
    name: String,
    line: usize,
    lines: usize,
}

#[test]
fn files_and_functions_stay_small() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "json-derive/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 50, "found only {} files", files.len());
    let mut problems = Vec::new();
    let mut used_fn = vec![false; LONG_FUNCTIONS.len()];
    let mut used_file = vec![false; LONG_FILES.len()];
    let relative = |path: &Path| {
        let rel = path.strip_prefix(root).unwrap().to_string_lossy();
        rel.replace('\\', "/")
    };
    let test_only: Vec<String> = files
        .iter()
        .flat_map(|path| test_modules(&relative(path), &std::fs::read_to_string(path).unwrap()))
        .collect();
    for path in &files {
        let rel = relative(path);
        if is_test_file(&rel) || test_only.contains(&rel) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let (code, test_lines) = without_tests(&text);
        let count = text.lines().count() - test_lines;
        if count > MAX_FILE_LINES {
            match LONG_FILES.iter().position(|(f, _)| *f == rel) {
                Some(i) => used_file[i] = true,
                None => problems.push(format!(
                    "{rel}: {count} lines of non-test code (at most {MAX_FILE_LINES})"
                )),
            }
        }
        for f in functions(&rel, &code) {
            if f.lines <= MAX_FN_LINES {
                continue;
            }
            let key = format!("{}::{}", f.file, f.name);
            match LONG_FUNCTIONS.iter().position(|(k, _)| *k == key) {
                Some(i) => used_fn[i] = true,
                None => problems.push(format!(
                    "{}:{}: fn {} is {} lines (at most {MAX_FN_LINES})",
                    f.file, f.line, f.name, f.lines
                )),
            }
        }
    }
    for (i, used) in used_fn.iter().enumerate() {
        if !used {
            problems.push(format!(
                "{}: listed as long but is not",
                LONG_FUNCTIONS[i].0
            ));
        }
    }
    for (i, used) in used_file.iter().enumerate() {
        if !used {
            problems.push(format!("{}: listed as long but is not", LONG_FILES[i].0));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether the whole file is test code.
fn is_test_file(rel: &str) -> bool {
    rel.ends_with("/tests.rs") || rel.contains("/tests/") || rel.ends_with("_tests.rs")
}

/// The files of the modules `file` declares under `#[cfg(test)]` (`mod name;`, perhaps
/// after other attributes): `name.rs` or `name/mod.rs` beside a `lib.rs`, `main.rs` or
/// `mod.rs`, in a folder named after any other file.
fn test_modules(file: &str, text: &str) -> Vec<String> {
    let dir = match file.rsplit_once('/') {
        Some((dir, "lib.rs" | "main.rs" | "mod.rs")) => dir.to_string(),
        _ => file.trim_end_matches(".rs").to_string(),
    };
    let mut out = Vec::new();
    for (at, _) in text.match_indices("#[cfg(test)]") {
        let rest = text[at + "#[cfg(test)]".len()..].trim_start();
        let item = rest
            .lines()
            .map(str::trim)
            .find(|l| !l.starts_with("#["))
            .unwrap_or("");
        let name = item.trim_start_matches("pub ").strip_prefix("mod ");
        if let Some(name) = name.and_then(|n| n.strip_suffix(';')) {
            out.push(format!("{dir}/{name}.rs"));
            out.push(format!("{dir}/{name}/mod.rs"));
        }
    }
    out
}

/// `text` with comments and the contents of string and char literals blanked out (kept
/// as spaces, newlines kept), so braces can be counted.
fn blank_literals(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |n| i + n);
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                let mut j = i;
                while j < b.len() {
                    if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
                        depth += 1;
                        j += 2;
                    } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                blank(&mut out, i, j);
                i = j;
            }
            b'r' if (b.get(i + 1) == Some(&b'#') || b.get(i + 1) == Some(&b'"'))
                && (i == 0 || !is_ident(b[i - 1])) =>
            {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let start = i + 2 + hashes;
                let end = text[start..].find(&close).map_or(b.len(), |n| start + n);
                blank(&mut out, start, end);
                i = end + close.len();
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i + 1, j.min(b.len()));
                i = j + 1;
            }
            b'\'' => {
                // A char literal ('x', '\n', '\u{..}'), not a lifetime ('a).
                if b.get(i + 1) == Some(&b'\\') {
                    let end = text[i + 2..].find('\'').map_or(b.len(), |n| i + 2 + n);
                    blank(&mut out, i + 1, end);
                    i = end + 1;
                } else if b.get(i + 2) == Some(&b'\'') {
                    blank(&mut out, i + 1, i + 2);
                    i += 3;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The index of the brace closing the one at `open` in `code` (literals blanked).
fn closing_brace(code: &[u8], open: usize) -> usize {
    let mut depth = 0;
    for (j, &c) in code.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    code.len()
}

/// `text` without its `#[cfg(test)]` items (blanked, literals too), and how many lines
/// those items span.
fn without_tests(text: &str) -> (String, usize) {
    let mut code = blank_literals(text).into_bytes();
    let mut from = 0;
    let mut test_lines = 0;
    while let Some(n) = String::from_utf8_lossy(&code[from..]).find("#[cfg(test)]") {
        let at = from + n;
        // The item ends at its closing brace, or at a `;` before any brace (`mod tests;`).
        let rest = &code[at..];
        let semi = rest.iter().position(|&c| c == b';');
        let brace = rest.iter().position(|&c| c == b'{');
        let end = match (semi, brace) {
            (Some(s), Some(b)) if s < b => at + s + 1,
            (_, Some(b)) => closing_brace(&code, at + b) + 1,
            (Some(s), None) => at + s + 1,
            (None, None) => code.len(),
        };
        let end = end.min(code.len());
        test_lines += code[at..end].iter().filter(|&&c| c == b'\n').count() + 1;
        for c in &mut code[at..end] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
        from = end;
    }
    (String::from_utf8_lossy(&code).into_owned(), test_lines)
}

/// Every function with a body in `code` (literals and tests blanked), nested ones too.
fn functions(file: &str, code: &str) -> Vec<Function> {
    let b = code.as_bytes();
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(n) = code[from..].find("fn ") {
        let at = from + n;
        from = at + 3;
        if at > 0 && is_ident(b[at - 1]) {
            continue;
        }
        let name: String = code[at + 3..]
            .chars()
            .take_while(|&c| c.is_alphanumeric() || c == '_')
            .collect();
        if name.is_empty() {
            continue; // `fn(` types
        }
        // The body starts at the first `{` before any `;` (a declaration has no body).
        let rest = &b[at..];
        let semi = rest.iter().position(|&c| c == b';');
        let Some(brace) = rest.iter().position(|&c| c == b'{') else {
            continue;
        };
        if semi.is_some_and(|s| s < brace) {
            continue;
        }
        let close = closing_brace(b, at + brace);
        out.push(Function {
            file: file.to_string(),
            name,
            line: line_of(at),
            lines: line_of(close) - line_of(at) + 1,
        });
    }
    out
}
