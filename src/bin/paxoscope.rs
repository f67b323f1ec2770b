//! The `paxoscope` command-line program (native only).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("paxoscope {}", paxoscope::VERSION);
}

#[cfg(target_arch = "wasm32")]
fn main() {}
