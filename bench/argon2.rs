//! Times one Argon2id hash and one verification with the production parameters
//! (`make bench` runs it; the budget is 50–150 ms per hash on the deployment machine).

use std::time::Instant;

use digdaya::auth::password;

fn main() {
    let runs = 15;
    let mut hash_ms = Vec::with_capacity(runs);
    let mut verify_ms = Vec::with_capacity(runs);
    for i in 0..runs {
        let secret = format!("kopi-tubruk-{i}-di-sawah");
        let start = Instant::now();
        let phc = password::hash(&secret).expect("hash");
        hash_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        let start = Instant::now();
        assert!(password::verify(&secret, &phc));
        verify_ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "argon2id m={} KiB t={} p=1: hash median {:.1} ms, verify median {:.1} ms ({runs} runs)",
        password::MEMORY_KIB,
        password::PASSES,
        median(&mut hash_ms),
        median(&mut verify_ms)
    );
}
