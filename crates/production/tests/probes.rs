//! Probes: liveness always passes, startup fails until the lifespan is done, readiness fails
//! from the moment shutdown begins, the phase only moves forward, `watch` sees changes.

use production::conformance::{self, Event, FakeStep, ReferenceConfig, Script};
use production::{Phase, Probes, Signal};
use testing::ms;

#[test]
fn each_probe_answers_from_the_phase() {
    let probes = Probes::new();
    let answers = |p: &Probes| {
        (
            p.startup().is_ok(),
            p.liveness().is_ok(),
            p.readiness().is_ok(),
        )
    };
    assert_eq!(answers(&probes), (false, true, false));
    assert!(probes.mark_started());
    assert_eq!(answers(&probes), (true, true, true));
    assert!(probes.begin_draining());
    assert_eq!(answers(&probes), (true, true, false));
    assert!(probes.mark_stopped());
    assert_eq!(answers(&probes), (true, true, false));
    let failed = probes.readiness().unwrap_err();
    assert_eq!(
        failed.to_string(),
        "readiness probe fails: service is stopped"
    );
    assert_eq!(failed.status_code(), 503);
}

#[test]
fn the_phase_never_moves_back() {
    let probes = Probes::new();
    probes.begin_draining();
    assert!(
        !probes.mark_started(),
        "a late mark_started cannot make a draining service ready"
    );
    assert_eq!(probes.phase(), Phase::Draining);
    assert!(!probes.begin_draining());
}

#[tokio::test(start_paused = true)]
async fn watch_sees_each_change_and_clones_share_the_state() {
    let probes = Probes::new();
    let mut phases = probes.watch();
    let mover = probes.clone();
    tokio::spawn(async move {
        tokio::time::sleep(ms(100)).await;
        mover.mark_started();
        tokio::time::sleep(ms(100)).await;
        mover.begin_draining();
    });
    phases.wait_for(|p| *p == Phase::Ready).await.unwrap();
    assert_eq!(probes.phase(), Phase::Ready);
    phases.changed().await.unwrap();
    assert_eq!(*phases.borrow(), Phase::Draining);
}

#[tokio::test(start_paused = true)]
async fn over_a_whole_life_startup_then_ready_then_not_ready_while_draining() {
    let config = ReferenceConfig {
        steps: vec![FakeStep::new("db pool", ms(200))],
        ..ReferenceConfig::default()
    };
    let script = Script::new()
        .probe(ms(100))
        .probe(ms(300))
        .request(ms(300), ms(400))
        .signal(ms(400), Signal::Terminate)
        .probe(ms(401));
    let record = conformance::run(script, |ctx| conformance::reference_service(config, ctx)).await;
    let probed: Vec<_> = record
        .all(|e| matches!(e, Event::Probed { .. }))
        .into_iter()
        .map(|e| match e {
            Event::Probed {
                startup,
                liveness,
                readiness,
            } => (*startup, *liveness, *readiness),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        probed,
        [
            (false, true, false),
            (true, true, true),
            (true, true, false)
        ]
    );
    // Readiness failed at +0.4 s, the request it was serving finished at +0.7 s.
    assert_eq!(
        record.time_of(|e| *e == Event::Completed { id: 0 }),
        Some(ms(700))
    );
}
