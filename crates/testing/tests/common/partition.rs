//! The network-simulation scenario, shared by `tests/network_simulation.rs` and
//! `examples/network_simulation.rs` (turmoil is a dev-dependency, so the scenario cannot live in
//! the library).

use std::time::Duration;

use testing::network_simulation::{EventLog, RetryPolicy, answer, request};

const PORT: u16 = 7000;

// ANCHOR: scenario
/// Plays the scenario from `seed` and returns its event log: a client makes four requests a
/// second apart; the network between client and server is partitioned from +1.0 s to +2.5 s,
/// and the server crashes at +3.2 s and restarts at +3.6 s.
///
/// # Errors
/// The simulation's error (a host that failed).
pub(crate) fn partition_and_restart(seed: u64) -> turmoil::Result<Vec<String>> {
    let log = EventLog::new(|| turmoil::sim_elapsed().unwrap_or_default());
    let mut sim = turmoil::Builder::new()
        .rng_seed(seed)
        // Each step advances every host's clock by one tick, and a message arrives at the first
        // step past its latency: 10 ms steps keep the latencies apart and cost a tenth of the
        // default 1 ms (the test suite ran 1.0 s with it, 0.1 s with this).
        .tick_duration(Duration::from_millis(10))
        .min_message_latency(Duration::from_millis(1))
        .max_message_latency(Duration::from_millis(30))
        .simulation_duration(Duration::from_secs(30))
        .build();

    let server_log = log.clone();
    sim.host("server", move || {
        let log = server_log.clone();
        async move {
            log.record("server", "listening");
            let listener = turmoil::net::TcpListener::bind(("0.0.0.0", PORT)).await?;
            loop {
                let (stream, _) = listener.accept().await?;
                tokio::spawn(answer(stream));
            }
        }
    });

    let client_log = log.clone();
    sim.client("client", async move {
        let policy = RetryPolicy {
            attempts: 6,
            timeout: Duration::from_millis(400),
            backoff: Duration::from_millis(100),
        };
        for n in 1..=4 {
            let connect = || turmoil::net::TcpStream::connect(("server", PORT));
            let reply = request(connect, &format!("get {n}"), policy, &client_log).await;
            if let Err(gave_up) = reply {
                client_log.record("client", gave_up);
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        Ok(())
    });

    // The test drives the faults between simulation steps, at fixed simulated instants.
    // ANCHOR: network_simulation_key
    let faults = [
        (Duration::from_millis(1_000), "partition"),
        (Duration::from_millis(2_500), "repair"),
        (Duration::from_millis(3_200), "crash"),
        (Duration::from_millis(3_600), "restart"),
    ];
    let mut next = 0;
    loop {
        if let Some(&(at, fault)) = faults.get(next)
            && sim.elapsed() >= at
        {
            match fault {
                "partition" => sim.partition("client", "server"),
                "repair" => sim.repair("client", "server"),
                "crash" => sim.crash("server"),
                _ => sim.bounce("server"),
            }
            log.record_at(sim.elapsed(), "network", fault);
            next += 1;
        }
        if sim.step()? {
            break;
        }
    }
    // ANCHOR_END: network_simulation_key
    Ok(log.lines())
}
// ANCHOR_END: scenario
