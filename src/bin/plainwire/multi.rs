//! All the transfers of a run: their inputs read and agents built once, then made one after
//! another, or with `-Z` up to `--parallel-max` at a time on threads of their own; `-w` after
//! each; `--fail-early`; and the run's result.
//!
//! As curl (docs/cmdline-opts/fail-early.md): serial transfers go on after a failure and the
//! last one's result is the run's; parallel ones report the last failure to finish. With
//! `--fail-early` no transfer starts after a failure (running ones finish). In parallel, each
//! transfer's body goes to its own file; bodies that share stdout are written as their pieces
//! arrive, so they may interleave (curl promises no order there either). Each failure is
//! reported as its transfer ends, so the run's own failure comes back already reported.

use std::fs::OpenOptions;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use plainwire::Agent;

use crate::args::Invocation;
use crate::console;
use crate::dump_header::HeaderDump;
use crate::failure::Failure;
use crate::inputs::{self, Prepared};
use crate::request::{self, AgentSettings};
use crate::transfer::{self, Context};
use crate::urls::{Plan, Planned};
use crate::write_out::{self, Report, Target};

/// Runs every transfer `invocation` asks for.
pub fn run(invocation: Invocation) -> Result<(), Failure> {
    let Invocation {
        globals,
        operations,
        warnings,
    } = invocation;
    console::configure(globals.silent, globals.show_error);
    if let Some(path) = &globals.stderr {
        console::redirect(path)?;
    }
    for warning in &warnings {
        console::warn(warning);
    }
    crate::trace_dump::configure(globals.trace.as_ref(), globals.trace_time);
    // Secrets written to a file are worth a word, as verification turned off is (curl says so
    // with -v only): a variable left set in a shell would otherwise log every session quietly.
    #[cfg(feature = "tls")]
    if let Some(path) = std::env::var_os("SSLKEYLOGFILE").filter(|v| !v.is_empty()) {
        console::warn(&format!(
            "SSLKEYLOGFILE is set: the TLS secrets of every connection will be written to {}, \
             and anyone who reads it can decrypt them",
            std::path::Path::new(&path).display()
        ));
    }
    let prepared = operations
        .iter()
        .map(inputs::prepare)
        .collect::<Result<Vec<Prepared>, Failure>>()?;
    let plan = Plan::new(&operations, &prepared)?;
    let jar = crate::cookies::load(&operations)?;

    // Operations that agree on the agent's settings share one, and its connections.
    let mut agents: Vec<(AgentSettings, Result<Agent, Failure>)> = Vec::new();
    let mut agent_of = Vec::with_capacity(operations.len());
    for (op, prepared) in operations.iter().zip(&prepared) {
        let settings = AgentSettings::of(op, prepared);
        let index = match agents.iter().position(|(s, _)| *s == settings) {
            Some(index) => index,
            None => {
                let agent = request::agent(&settings, jar.as_ref());
                agents.push((settings, agent));
                agents.len() - 1
            }
        };
        agent_of.push(index);
        if op.insecure {
            console::warn("--insecure: the server's certificate is not verified; anyone on the network path can read and change this transfer");
        }
    }
    let dumps: Vec<Option<HeaderDump>> = operations
        .iter()
        .map(|op| {
            op.dump_header
                .clone()
                .map(|path| HeaderDump::new(path, op.create_dirs))
        })
        .collect();
    let progress = !globals.parallel && !globals.no_progress_meter && !globals.silent;
    let contexts: Vec<Context<'_>> = operations
        .iter()
        .enumerate()
        .map(|(i, op)| Context {
            op,
            prepared: &prepared[i],
            agent: &agents[agent_of[i]].1,
            globals: &globals,
            header_dump: dumps[i].as_ref(),
            progress,
        })
        .collect();

    let result = if globals.parallel {
        parallel(&contexts, plan, globals.parallel_max, globals.fail_early)
    } else {
        serial(&contexts, plan, globals.fail_early)
    };
    // As curl: the cookies are saved after the transfers, also when one failed.
    if let Some(jar) = &jar {
        crate::cookies::save(jar, &operations);
    }
    result
}

/// One transfer after another; the last one's result.
fn serial(contexts: &[Context<'_>], plan: Plan, fail_early: bool) -> Result<(), Failure> {
    let mut last = Ok(());
    for planned in plan {
        last = one(&contexts[planned.op], &planned);
        if last.is_err() && fail_early {
            break;
        }
    }
    last
}

/// Up to `max` transfers at a time; the last failure to finish, if any.
fn parallel(
    contexts: &[Context<'_>],
    plan: Plan,
    max: usize,
    fail_early: bool,
) -> Result<(), Failure> {
    let workers = usize::try_from(plan.len())
        .unwrap_or(usize::MAX)
        .clamp(1, max.max(1));
    let plan = Mutex::new(plan);
    let stop = AtomicBool::new(false);
    let last_failure: Mutex<Option<Failure>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let next = plan.lock().unwrap_or_else(|e| e.into_inner()).next();
                let Some(planned) = next else {
                    break;
                };
                if let Err(failure) = one(&contexts[planned.op], &planned) {
                    *last_failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(failure);
                    if fail_early {
                        stop.store(true, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    match last_failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

/// One transfer, its failure reported, then its `-w`; the result, reported already.
fn one(ctx: &Context<'_>, planned: &Planned) -> Result<(), Failure> {
    let (mut result, report) = transfer::run(ctx, planned);
    if let Err(failure) = &result {
        console::error(failure);
    }
    if let Some(format) = &ctx.prepared.write_out {
        let written = write_out(format, &report);
        if let (Ok(()), Err(failure)) = (&result, written) {
            console::error(&failure);
            result = Err(failure);
        }
    }
    result.map_err(|mut failure| {
        failure.quiet = true;
        failure
    })
}

/// Renders `-w` for one transfer and writes each piece where it goes.
fn write_out(format: &str, report: &Report) -> Result<(), Failure> {
    let rendered = write_out::render(format, report);
    for name in &rendered.unknown {
        console::warn(&format!("unknown --write-out variable: '{name}'"));
    }
    // The console first, then stdout: the order `console` takes them in (see its module doc).
    let mut console = console::hold();
    let mut out = std::io::stdout().lock();
    for (target, bytes) in &rendered.pieces {
        match target {
            Target::Stdout => out
                .write_all(bytes)
                .and_then(|()| out.flush())
                .map_err(|e| Failure::write("stdout", &e))?,
            Target::Stderr => console.raw(bytes),
            Target::File { path, append } => {
                let file = OpenOptions::new()
                    .write(true)
                    .create(true)
                    .append(*append)
                    .truncate(!*append)
                    .open(path);
                // As curl: a file that cannot be opened leaves the output where it was.
                let written = match file {
                    Ok(mut file) => file.write_all(bytes),
                    Err(_) => out.write_all(bytes).and_then(|()| out.flush()),
                };
                written.map_err(|e| Failure::write(path.display(), &e))?;
            }
        }
    }
    Ok(())
}
