//! Parses a generated 10,000-profile pair five times (`RUNS=N`: N times): a fixed workload for
//! profilers (`valgrind --tool=callgrind target/release/examples/profile_once`, `perf record`);
//! `PRINT_TIME=1` prints the fastest and the median parse.
use credchain_core::config::parse::ConfigFiles;
use credchain_core::Dialect;
fn main() {
    let n = 10_000;
    let mut config = String::from("[default]\nregion = us-east-1\noutput = json\n\n");
    let mut creds = String::new();
    for i in 0..n {
        config.push_str(&format!(
            "[profile team-{i:06}]\nregion = eu-west-{}\noutput = json\ncli_pager =\nmax_attempts = 5\n\n",
            i % 3 + 1
        ));
        creds.push_str(&format!(
            "[team-{i:06}]\naws_access_key_id = AKIAEXAMPLE{i:09}\naws_secret_access_key = secret-{i:030}\n\n"
        ));
    }
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
