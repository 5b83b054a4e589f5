/**
 * Calls `onGone` once when the process that started this one has gone. `npm start` runs the
 * server under `npm` and a shell; a SIGTERM to `npm` ends both without passing it on, and
 * the server, reparented, would keep its port and its DynamoDB Local. Node has no
 * parent-death signal, so the parent pid is checked every `intervalMs`.
 */
export function watchParent(onGone: () => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
