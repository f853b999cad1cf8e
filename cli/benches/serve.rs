//! `credchain serve`'s throughput and latency on loopback, with cached credentials: the
//! release binary serving session keys from a temporary HOME, hammered by client threads,
//! with keep-alive (one connection per thread, many requests) and without (a connection per
//! request). Not a timed test: it prints requests/s and latency percentiles.
//!
//!   cargo bench -p credchain --bench serve [-- SECONDS [THREADS...]]
//!
//! The figures in the README were measured with it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let seconds: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(5);
    let threads: Vec<usize> = match args.get(1..) {
        Some(rest) if !rest.is_empty() => rest.iter().filter_map(|s| s.parse().ok()).collect(),
        _ => vec![1, 2, 8],
    };
    let home = tempfile::tempdir().expect("a temporary HOME");
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/credentials"),
        "[default]\naws_access_key_id = ASIABENCHEXAMPLE\n\
         aws_secret_access_key = benchSecretAccessKey0001\n\
         aws_session_token = benchSessionToken0001\n",
    )
    .unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_credchain"))
        .arg("serve")
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start credchain serve");
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let url = lines.next().unwrap().unwrap();
    let token = lines.next().unwrap().unwrap();
    let url = url.rsplit('=').next().unwrap().to_owned();
    let token = token.rsplit('=').next().unwrap().to_owned();
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    println!(
        "credchain serve on {addr}; {} cores; {seconds} s per run; load average {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    println!(
        "{:<12} {:>7} {:>10} {:>8} {:>8} {:>8} {:>8}",
        "mode", "threads", "req/s", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs"
    );
    for keep_alive in [true, false] {
        for &n in &threads {
            let (count, mut latencies) =
                hammer(addr, &token, n, keep_alive, Duration::from_secs(seconds));
            latencies.sort_unstable();
            let pct = |p: f64| {
                latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)]
            };
            println!(
                "{:<12} {n:>7} {:>10.0} {:>8} {:>8} {:>8} {:>8}",
                if keep_alive { "keep-alive" } else { "close" },
                count as f64 / seconds as f64,
                pct(0.50),
                pct(0.90),
                pct(0.99),
                pct(0.999)
            );
        }
    }
    let _ = server.kill();
    let _ = server.wait();
}

/// `threads` clients for `run`: the requests answered and each one's latency in microseconds.
fn hammer(
    addr: SocketAddr,
    token: &str,
    threads: usize,
    keep_alive: bool,
    run: Duration,
) -> (usize, Vec<u32>) {
    let connection = if keep_alive {
        ""
    } else {
        "Connection: close\r\n"
    };
    let request =
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {token}\r\n{connection}\r\n");
    let results: Vec<Vec<u32>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let request = request.as_bytes();
                s.spawn(move || {
                    let mut latencies = Vec::with_capacity(1 << 20);
                    let mut buf = vec![0u8; 16 * 1024];
                    let end = Instant::now() + run;
                    let mut stream = None;
                    while Instant::now() < end {
                        let start = Instant::now();
                        if stream.is_none() {
                            let s = TcpStream::connect(addr).unwrap();
                            s.set_nodelay(true).unwrap();
                            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                            stream = Some(s);
                        }
                        let s = stream.as_mut().unwrap();
                        s.write_all(request).unwrap();
                        read_response(s, &mut buf);
                        latencies
                            .push(start.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                        if !keep_alive {
                            stream = None;
                        }
                    }
                    latencies
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let all: Vec<u32> = results.into_iter().flatten().collect();
    (all.len(), all)
}

/// Reads one 200 response (its head, then Content-Length bytes).
fn read_response(stream: &mut TcpStream, buf: &mut [u8]) {
    let mut filled = 0;
    loop {
        let n = stream.read(&mut buf[filled..]).unwrap();
        assert!(n > 0, "the server closed the connection early");
        filled += n;
        let Some(head) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let text = std::str::from_utf8(&buf[..head]).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 "), "{text}");
        let length: usize = text
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .unwrap()
            .parse()
            .unwrap();
        while filled < head + 4 + length {
            let n = stream.read(&mut buf[filled..]).unwrap();
            assert!(n > 0, "the server closed the connection early");
            filled += n;
        }
        return;
    }
}
