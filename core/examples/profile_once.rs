//! Parses a generated 10,000-profile pair five times (`RUNS=N`: N times): a fixed workload for
//! profilers (`valgrind --tool=callgrind target/release/examples/profile_once`, `perf record`);
//! `PRINT_TIME=1` prints the fastest and the median parse.
#[path = "../benches/generated/mod.rs"]
mod generated;

use credchain_core::config::parse::ConfigFiles;
use credchain_core::Dialect;
fn main() {
    let (config, creds) = generated::profiles(10_000);
    // RUNS=N parses N times (default 5); PRINT_TIME=1 prints the fastest and the median.
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = std::time::Instant::now();
        let files = (
            ("c", Some(config.as_bytes())),
            ("k", Some(creds.as_bytes())),
        );
        let p = ConfigFiles::from_texts(files.0, files.1, Dialect::AwsCli).unwrap();
        let r = p.profile("team-009999").unwrap().get("region").unwrap();
        assert_eq!(r.value.as_str(), Some("eu-west-1"));
        times.push(started.elapsed());
    }
    if std::env::var_os("PRINT_TIME").is_some() {
        times.sort();
        eprintln!(
            "{:?} fastest, {:?} median of {runs} parses",
            times[0],
            times[runs / 2]
        );
    }
}
