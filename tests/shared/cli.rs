// The `paxoscope` binary as the CLI tests run it (included by tests/cli.rs and
// tests/explore.rs).

/// Runs the `paxoscope` binary with `args` and waits for it.
fn paxoscope(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_paxoscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// The last line of the program's stdout, parsed as the JSON it must be.
fn last_json_line(out: &std::process::Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().expect("some output");
    serde_json::from_str(last).expect("the last line is JSON")
}
