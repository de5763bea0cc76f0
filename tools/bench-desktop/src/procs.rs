//! Process trees from /proc: who descends from the app, how much memory they hold (PSS),
//! and stopping them all.

use std::collections::HashMap;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;

/// One process of a tree.
#[derive(Debug, Clone)]
pub struct Proc {
    pub pid: i32,
    /// The program's file name (argv[0] without its directory; `comm` is cut at 15 bytes).
    pub name: String,
}

/// `root` and every process descending from it, found by parent links; `root` first.
pub fn tree(root: i32) -> Vec<Proc> {
    let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        if let Some((ppid, _)) = stat(pid) {
            children.entry(ppid).or_default().push(pid);
        }
    }
    let mut out = Vec::new();
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        if stat(pid).is_none() {
            continue; // gone since the listing
        }
        out.push(Proc { pid, name: name(pid) });
        queue.extend(children.get(&pid).into_iter().flatten());
    }
    out
}

/// (parent pid, state letter) from /proc/PID/stat, or None when it is gone.
fn stat(pid: i32) -> Option<(i32, char)> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid …`; comm may hold spaces and parentheses, so split at the last ')'.
    let mut rest = s[s.rfind(')')? + 1..].split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some((ppid, state))
}

fn name(pid: i32) -> String {
    let argv0 = std::fs::read(format!("/proc/{pid}/cmdline")).ok().and_then(|c| {
        let first = c.split(|b| *b == 0).next()?.to_vec();
        let first = String::from_utf8(first).ok()?;
        Some(Path::new(&first).file_name()?.to_string_lossy().into_owned())
    });
    match argv0 {
        Some(n) if !n.is_empty() => n,
        _ => std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .map(|c| c.trim().to_string())
            .unwrap_or_default(),
    }
}

/// The proportional set size of one process in KiB (shared pages split among their
/// users, so summing over a tree counts each page once), or None when it is gone.
pub fn pss_kib(pid: i32) -> anyhow::Result<Option<u64>> {
    let path = format!("/proc/{pid}/smaps_rollup");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("reading {path}")),
    };
    parse_pss(&text).with_context(|| format!("{path}: no `Pss:` line")).map(Some)
}

fn parse_pss(smaps_rollup: &str) -> Option<u64> {
    let line = smaps_rollup.lines().find(|l| l.starts_with("Pss:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn alive(pid: i32) -> bool {
    stat(pid).is_some_and(|(_, state)| state != 'Z' && state != 'X')
}

/// Stops `child` and the processes of `procs` (its tree): SIGTERM to its process group and
/// to each of them, a grace period, then SIGKILL for whatever is left. Errors if anything
/// survives even that.
pub fn stop(child: &mut Child, procs: &[Proc], grace: Duration) -> anyhow::Result<()> {
    let root = Pid::from_raw(child.id() as i32);
    let signal_all = |sig: Signal| {
        // The app leads its own process group (see `spawn`); errors mean "already gone".
        let _ = killpg(root, sig);
        for p in procs {
            if alive(p.pid) {
                let _ = kill(Pid::from_raw(p.pid), sig);
            }
        }
    };
    let wait_gone = |child: &mut Child, within: Duration| {
        let deadline = Instant::now() + within;
        loop {
            let root_done = matches!(child.try_wait(), Ok(Some(_)));
            if root_done && !procs.iter().any(|p| alive(p.pid)) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    signal_all(Signal::SIGTERM);
    if wait_gone(child, grace) {
        return Ok(());
    }
    signal_all(Signal::SIGKILL);
    if wait_gone(child, Duration::from_secs(10)) {
        return Ok(());
    }
    let left: Vec<_> = procs.iter().filter(|p| alive(p.pid)).map(|p| p.pid).collect();
    bail!("processes {left:?} survived SIGKILL")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pss_is_read_from_its_own_line() {
        let text = "55d0-7ffe ---p 00000000 00:00 0 [rollup]\nRss: 2048 kB\nPss: 1234 kB\n\
                    Pss_Anon: 900 kB\n";
        assert_eq!(parse_pss(text), Some(1234));
        assert_eq!(parse_pss("Rss: 1 kB\n"), None);
    }

    #[test]
    fn the_tree_of_a_shell_holds_its_child_and_stop_ends_both() {
        use std::os::unix::process::CommandExt;
        let mut child = std::process::Command::new("sh")
            .args(["-c", "sleep 30 & wait"])
            .process_group(0)
            .spawn()
            .unwrap();
        let root = child.id() as i32;
        let deadline = Instant::now() + Duration::from_secs(10);
        let procs = loop {
            let t = tree(root);
            if t.len() >= 2 || Instant::now() > deadline {
                break t;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(procs[0].pid, root);
        assert!(procs.iter().any(|p| p.name == "sleep"), "{procs:?}");
        assert!(pss_kib(root).unwrap().unwrap() > 0);
        stop(&mut child, &procs, Duration::from_secs(5)).unwrap();
        assert!(procs.iter().all(|p| !alive(p.pid)));
    }
}
