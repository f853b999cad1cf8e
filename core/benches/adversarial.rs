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
    let works: [(&str, Work); 3] = [
        ("", shapes::work),
        ("listing ", shapes::list_work),
        ("lint ", shapes::lint_work),
    ];
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

/// What is timed: [`shapes::work`], [`shapes::list_work`] or [`shapes::lint_work`].
type Work = fn(&str, credchain_core::Dialect) -> usize;

fn run(bencher: Bencher, shape: &str, n: usize, work: Work) {
    let Some(shape) = shapes::SHAPES.iter().find(|s| s.name == shape) else {
        return;
    };
    let text = (shape.generate)(n);
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| work(divan::black_box(&text), shape.dialect));
}

/// One bench over [`SIZES`] for each name, timing `work` on the shape of that name, or on the
/// shape given after `=`.
macro_rules! benches {
    ($work:path; $($name:ident $(= $shape:ident)?),* $(,)?) => {$(
        #[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
        fn $name(bencher: Bencher, n: usize) {
            run(bencher, benches!(@shape $name $($shape)?), n, $work);
        }
    )*};
    (@shape $name:ident) => { stringify!($name) };
    (@shape $name:ident $shape:ident) => { stringify!($shape) };
}

benches!(
    shapes::work;
    keys_per_section, keys_per_section_sdk, sections, repeated_sections_sdk, repeated_defaults,
    continuation_lines, comments, sso_session_keys,
);

// What explain and the SSO consistency check read.
benches!(
    shapes::list_work;
    listing_keys_per_section = keys_per_section,
    listing_sso_session_keys = sso_session_keys,
);
