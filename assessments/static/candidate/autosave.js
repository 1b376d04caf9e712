// Autosave with optimistic versions: every PUT sends the version this tab last saw, so a stale
// tab gets 409 instead of overwriting newer work. One request per answer at a time (a second one
// would carry the same version and conflict with the first).

const MAX_WAIT_MS = 5000; // while someone types without pause, still save at least this often
const KEEPALIVE_MAX_CHARS = 60000; // browsers cap keepalive bodies at 64 KiB in total

export function createAutosave({ api, getDelay, onStatus, onProblem, onClosed, onSaved }) {
  const entries = new Map();
  let closed = false;

  // register(id, {version, body, getBody}): body is what the server has; getBody() what the page has.
  function register(id, { version, body, getBody }) {
    entries.set(id, { id, version, saved: body, getBody, timer: null, retryTimer: null, retryDelay: 0,
      dirtySince: 0, inFlight: null, again: false, problem: null });
  }

  const isDirty = (e) => e.getBody() !== e.saved;

  function report() {
    if (closed) return;
    const all = [...entries.values()];
    if (all.some((e) => e.problem === "conflict")) onStatus("conflict", "Not saved — changed elsewhere");
    else if (all.some((e) => e.problem === "too_large" || e.problem === "error")) onStatus("error", "Not saved — see the question");
    else if (all.some((e) => e.problem === "offline")) onStatus("offline", "Offline — retrying");
    else if (all.some((e) => e.inFlight || isDirty(e))) onStatus("saving", "Saving…");
    else onStatus("saved", "Saved");
  }

  // The candidate typed: save after a pause (or MAX_WAIT_MS after the first unsaved keystroke).
  function changed(id) {
    const e = entries.get(id);
    if (!e || closed) return;
    if (!e.dirtySince) e.dirtySince = Date.now();
    clearTimeout(e.timer);
    const delay = Math.min(getDelay(), Math.max(0, e.dirtySince + MAX_WAIT_MS - Date.now()));
    e.timer = setTimeout(() => save(id), delay);
    report();
  }

  function scheduleRetry(e) {
    e.retryDelay = Math.min(30000, Math.max(1000, e.retryDelay * 2));
    clearTimeout(e.retryTimer);
    e.retryTimer = setTimeout(() => save(e.id), e.retryDelay);
  }

  // Save one answer now. Resolves when this request (and any it had to wait for) is done.
  async function save(id, { keepalive = false } = {}) {
    const e = entries.get(id);
    if (!e) return;
    clearTimeout(e.timer);
    if (closed || e.problem === "conflict") return; // only the candidate's choice resolves a conflict
    if (e.inFlight) {
      e.again = true; // save again with the new version once the running request is answered
      return e.inFlight;
    }
    const body = e.getBody();
    if (body === e.saved) {
      e.dirtySince = 0;
      report();
      return;
    }
    e.dirtySince = 0;
    clearTimeout(e.retryTimer);
    e.inFlight = send(e, body, keepalive && body.length < KEEPALIVE_MAX_CHARS);
    report();
    return e.inFlight;
  }

  async function send(e, body, keepalive) {
    const res = await api.put(`answers/${e.id}/`, { body, version: e.version }, { keepalive });
    e.inFlight = null;
    const code = res.error?.code;
    if (res.ok) {
      e.version = res.data.version;
      e.saved = body;
      if (onSaved) onSaved(res.data); // it carries the deadline: a typing candidate sees extra time at once
      e.retryDelay = 0;
      if (e.problem) onProblem(e.id, null);
      e.problem = null;
    } else if (res.offline) {
      e.problem = "offline";
      scheduleRetry(e);
    } else if (code === "deadline_passed" || code === "attempt_closed") {
      stop();
      onClosed(res.error);
      return;
    } else {
      // stale_version (409), too_large (400), not_found... : keep the text on the page, say why.
      e.problem = code === "stale_version" ? "conflict" : code === "too_large" ? "too_large" : "error";
      onProblem(e.id, res.error);
    }
    report();
    if (!closed && !e.problem && (e.again || isDirty(e))) {
      e.again = false;
      await save(e.id);
    }
  }

  // Save everything now; resolves to the list of answers that could not be saved.
  async function flushAll({ keepalive = false } = {}) {
    for (let round = 0; round < 3; round += 1) {
      const pending = [...entries.values()].filter(
        (e) => e.inFlight || (isDirty(e) && e.problem !== "conflict"),
      );
      if (!pending.length) break;
      await Promise.all(pending.map((e) => e.inFlight || save(e.id, { keepalive })));
    }
    return [...entries.values()].filter((e) => isDirty(e) || e.inFlight || e.problem === "conflict");
  }

  // Explicit choice after a conflict: overwrite the other tab's version with this tab's text.
  function overwrite(id, currentVersion) {
    const e = entries.get(id);
    e.version = currentVersion;
    e.problem = null;
    onProblem(id, null);
    return save(id);
  }

  function retryOffline() {
    for (const e of entries.values()) if (e.problem === "offline") save(e.id);
  }

  function stop() {
    closed = true;
    for (const e of entries.values()) {
      clearTimeout(e.timer);
      clearTimeout(e.retryTimer);
    }
  }

  const hasUnsaved = () => !closed && [...entries.values()].some((e) => isDirty(e) || e.inFlight);
  const problemOf = (id) => entries.get(id)?.problem ?? null;

  return { register, changed, save, flushAll, overwrite, retryOffline, stop, hasUnsaved, problemOf };
}
