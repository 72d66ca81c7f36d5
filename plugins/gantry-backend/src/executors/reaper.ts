import { ChildProcess, spawn } from 'node:child_process';

/*
 * Step processes run in process groups of their own (so a cancel or timeout
 * kills all they started), which also means they outlive a backend that dies
 * without running its cleanup (SIGKILL, OOM kill, a crash): the groups are
 * reparented to init and keep working while another replica runs the step
 * again. The reaper is a small shell, started once per backend process in a
 * session of its own, that the backend tells about each group it starts and
 * ends (`+pgid` / `-pgid` on its stdin; dash's kill takes no `--`). When the backend dies its end of the
 * pipe closes, the reaper reads end-of-file and kills every group still
 * listed (SIGTERM, then SIGKILL a second later), then exits.
 */
const SCRIPT = `
groups=' '
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups\${line#+} " ;;
    -*) g=" \${line#-} "
        case "$groups" in *"$g"*) groups="\${groups%%"$g"*} \${groups#*"$g"}" ;; esac ;;
  esac
done
[ -n "\${groups# }" ] || exit 0
for g in $groups; do kill -TERM "-$g" 2>/dev/null; done
sleep 1
for g in $groups; do kill -KILL "-$g" 2>/dev/null; done
`;

let reaper: ChildProcess | undefined;

function theReaper(): ChildProcess | undefined {
  if (reaper && reaper.exitCode === null && reaper.stdin?.writable) {
    return reaper;
  }
  try {
    const child = spawn('/bin/sh', ['-c', SCRIPT], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      // none of the backend's environment (secrets) goes to the reaper
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    child.on('error', () => {
      if (reaper === child) reaper = undefined;
    });
    child.stdin!.on('error', () => undefined);
    // neither keeps the backend process alive
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    reaper = child;
    return child;
  } catch {
    return undefined;
  }
}

/**
 * Has the process group `pgid` killed if this process dies before calling
 * the returned function (once the group is done).
 */
export function killGroupOnExit(pgid: number): () => void {
  const watcher = theReaper();
  if (!watcher) return () => undefined;
  watcher.stdin!.write(`+${pgid}\n`);
  return () => {
    if (watcher.exitCode === null && watcher.stdin!.writable) {
      watcher.stdin!.write(`-${pgid}\n`);
    }
  };
}
