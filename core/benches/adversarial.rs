//! Parse + resolve `region` + list the profile names over adversarial files growing from 1,000
//! to 1,000,000 lines, one bench per shape (keys per section, sections, repeated sections in
//! both dialects, repeated `[DEFAULT]` sections, continuation lines, comments, a profile and its
//! sso-session sharing keys: see core/tests/shapes/mod.rs), and the listing of every property
//! of a profile (`listing_*`: what explain and the SSO consistency check read). divan reports the time per file and the throughput in bytes per
//! second; linear time shows as a throughput that stays flat as the files grow (a quadratic
//! pass loses a factor of ten per step). After divan's table, the time per byte of each shape
//! and size is printed, from a run of its own.
//!
//! Run: `cargo bench -p credchain-core --bench adversarial`

#[path = "../tests/shapes/mod.rs"]
mod shapes;

use divan::counter::BytesCount;
use divan::Bencher;
use std::time::Instant;

const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

fn main() {
    divan::main();
    println!("\ntime per byte (best of 5 runs):");
    let works: [(&str, Work); 2] = [("", shapes::work), ("listing ", shapes::list_work)];
    for (what, work) in works {
        for shape in shapes::SHAPES {
            print!("{:<32}", format!("{what}{}", shape.name));
            for n in SIZES {
                let text = (shape.generate)(n);
                let best = (0..5)
                    .map(|_| {
                        let start = Instant::now();
                        divan::black_box(work(divan::black_box(&text), shape.dialect));
                        start.elapsed()
                    })
                    .min()
                    .unwrap_or_default();
                print!(
                    " {n:>9}: {:5.2} ns/B",
                    best.as_secs_f64() * 1e9 / text.len() as f64
                );
            }
            println!();
        }
    }
}

/// What is timed: [`shapes::work`] or [`shapes::list_work`].
type Work = fn(&str, credchain_core::Dialect) -> usize;

fn run_with(bencher: Bencher, shape: &str, n: usize, work: Work) {
    let Some(shape) = shapes::SHAPES.iter().find(|s| s.name == shape) else {
        return;
    };
    let text = (shape.generate)(n);
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| work(divan::black_box(&text), shape.dialect));
}

fn run(bencher: Bencher, shape: &str, n: usize) {
    run_with(bencher, shape, n, shapes::work);
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn keys_per_section(bencher: Bencher, n: usize) {
    run(bencher, "keys_per_section", n);
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn keys_per_section_sdk(bencher: Bencher, n: usize) {
    run(bencher, "keys_per_section_sdk", n);
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn sections(bencher: Bencher, n: usize) {
    run(bencher, "sections", n);
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn repeated_sections_sdk(bencher: Bencher, n: usize) {
    run(bencher, "repeated_sections_sdk", n);
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn repeated_defaults(bencher: Bencher, n: usize) {
    run(bencher, "repeated_defaults", n);
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn continuation_lines(bencher: Bencher, n: usize) {
    run(bencher, "continuation_lines", n);
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn comments(bencher: Bencher, n: usize) {
    run(bencher, "comments", n);
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn sso_session_keys(bencher: Bencher, n: usize) {
    run(bencher, "sso_session_keys", n);
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn listing_keys_per_section(bencher: Bencher, n: usize) {
    run_with(bencher, "keys_per_section", n, shapes::list_work);
}

#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn listing_sso_session_keys(bencher: Bencher, n: usize) {
    run_with(bencher, "sso_session_keys", n, shapes::list_work);
}
