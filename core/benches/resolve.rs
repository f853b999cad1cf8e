//! locate + load + parse + resolve `region` of the last profile, over generated files of 10 to
//! 100,000 profiles. divan reports time per resolution, throughput (bytes of both files per
//! second) and, through its allocation profiler, every heap allocation made on the way: the two
//! file buffers (the in-memory Fs copies the text, as reading a file would) and the section
//! index of each file.
//!
//! The load step copies the text into fresh buffers each time, so with glibc's default
//! settings, which give freed megabytes back to the system, every iteration also pays the page
//! faults of those buffers and of the index. To see the cost with an allocator that keeps its
//! memory, run with
//! `GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=268435456`.
//!
//! Run: `cargo bench -p credchain-core --bench resolve`

mod generated;

use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::load::load;
use credchain_core::config::locate::{locate, Platform};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::config::settings::Setting;
use credchain_core::host::ConfigFileFs;
use credchain_core::io::{block_on, Env, Fs, FsError};
use credchain_core::Dialect;
use divan::counter::BytesCount;
use divan::{AllocProfiler, Bencher};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    divan::main();
}

struct MemoryFs {
    config: String,
    creds: String,
}

impl Fs for MemoryFs {
    type File = Vec<u8>;
    async fn read(&self, path: &str) -> Result<Option<Vec<u8>>, FsError> {
        Ok(match path {
            "/home/bench/.aws/config" => Some(self.config.as_bytes().to_vec()),
            "/home/bench/.aws/credentials" => Some(self.creds.as_bytes().to_vec()),
            _ => None,
        })
    }
}

/// The whole in-process path, as a frontend runs it.
fn resolve_region(fs: &MemoryFs, env: &[(&str, &str)]) -> usize {
    let paths = locate(env, Platform::Unix, Dialect::AwsCli).unwrap();
    let files = block_on(load(fs, &paths)).unwrap();
    let parsed = ConfigFiles::parse(&files, Dialect::AwsCli).unwrap();
    let options = Options::default();
    let eval = Evaluator::new(&parsed, env, &options).unwrap();
    let region = eval.resolve(Setting::Region).unwrap().unwrap();
    region.value.as_str().unwrap().len()
}

#[divan::bench(args = [10, 1_000, 10_000, 100_000], sample_count = 100)]
fn locate_load_parse_resolve_region(bencher: Bencher, profiles: usize) {
    let (config, creds) = generated::profiles(profiles);
    let bytes = config.len() + creds.len();
    let last = format!("team-{:06}", profiles - 1);
    let fs = MemoryFs { config, creds };
    let env = [("HOME", "/home/bench"), ("AWS_PROFILE", last.as_str())];
    assert!(env.as_slice().var("HOME").is_some());
    bencher
        .counter(BytesCount::new(bytes))
        .bench(|| resolve_region(&fs, &env));
}

/// The whole path as the CLI runs it: the files on disk (the page cache), read by the std
/// host's `ConfigFileFs` into fresh buffers each time.
#[divan::bench(args = [10, 1_000, 10_000, 100_000], sample_count = 100)]
fn from_disk_locate_load_parse_resolve_region(bencher: Bencher, profiles: usize) {
    let (config, creds) = generated::profiles(profiles);
    let bytes = config.len() + creds.len();
    let home =
        std::env::temp_dir().join(format!("credchain-bench-{}-{profiles}", std::process::id()));
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(home.join(".aws/config"), &config).unwrap();
    std::fs::write(home.join(".aws/credentials"), &creds).unwrap();
    let home_str = home.to_str().unwrap().to_owned();
    let last = format!("team-{:06}", profiles - 1);
    let env = [("HOME", home_str.as_str()), ("AWS_PROFILE", last.as_str())];
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        let env = env.as_slice();
        let paths = locate(env, Platform::Unix, Dialect::AwsCli).unwrap();
        let files = block_on(load(&ConfigFileFs, &paths)).unwrap();
        let parsed = ConfigFiles::parse(&files, Dialect::AwsCli).unwrap();
        let options = Options::default();
        let eval = Evaluator::new(&parsed, env, &options).unwrap();
        let region = eval.resolve(Setting::Region).unwrap().unwrap();
        region.value.as_str().unwrap().len()
    });
    std::fs::remove_dir_all(&home).unwrap();
}

/// The same without the copy of the files: parse + resolve over text already in memory.
#[divan::bench(args = [10, 1_000, 10_000, 100_000], sample_count = 100)]
fn parse_resolve_region(bencher: Bencher, profiles: usize) {
    let (config, creds) = generated::profiles(profiles);
    let bytes = config.len() + creds.len();
    let last = format!("team-{:06}", profiles - 1);
    let env = [("HOME", "/home/bench"), ("AWS_PROFILE", last.as_str())];
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        let parsed = ConfigFiles::from_texts(
            ("config", Some(config.as_bytes())),
            ("credentials", Some(creds.as_bytes())),
            Dialect::AwsCli,
        )
        .unwrap();
        let options = Options::default();
        let eval = Evaluator::new(&parsed, env.as_slice(), &options).unwrap();
        eval.resolve(Setting::Region)
            .unwrap()
            .unwrap()
            .value
            .as_str()
            .unwrap()
            .len()
    });
}
