// Integrity signals, recorded as evidence for reviewers (never an automatic decision):
// pastes (size only, never the text), leaving and returning to the page, time per question.
// Events are queued and sent in batches; nothing here ever blocks or slows the candidate.

const BATCH = 100; // the API takes at most 100 events a call
const FLUSH_EVERY_MS = 10000;
const QUESTION_TIME_CHUNK_S = 60; // long stays on one question are also reported every minute

export function createIntegrity({ api, serverNow }) {
  let queue = [];
  let stopped = false;
  let sending = false;
  let questionId = null;
  let activeSince = null; // performance.now() when the candidate last started looking at questionId
  let awaySince = null; // Date.now() when the page lost visibility or focus

  const push = (kind, question_id, data = {}) => {
    if (stopped) return;
    queue.push({ kind, question_id, data, at: new Date(serverNow()).toISOString() });
    if (queue.length > 2000) queue = queue.slice(-2000); // offline for very long: keep the newest
  };

  // Report time spent on the current question since the last report.
  function closeQuestionTime() {
    if (questionId === null || activeSince === null) return;
    const seconds = Math.round((performance.now() - activeSince) / 1000);
    if (seconds >= 1) push("question_time", questionId, { seconds });
    activeSince = performance.now();
  }

  function setQuestion(id) {
    closeQuestionTime();
    questionId = id;
    activeSince = awaySince === null ? performance.now() : null;
  }

  // Leaving = the tab is hidden or another window has the focus. Only transitions are recorded.
  function checkPresence() {
    const away = document.visibilityState === "hidden" || !document.hasFocus();
    if (away && awaySince === null) {
      closeQuestionTime();
      activeSince = null;
      awaySince = Date.now();
      push("blur", questionId);
    } else if (!away && awaySince !== null) {
      push("focus", questionId, { seconds: Math.round((Date.now() - awaySince) / 1000) });
      awaySince = null;
      activeSince = performance.now();
    }
  }

  function questionOf(target) {
    const pane = target instanceof Element ? target.closest(".pane[data-question-id]") : null;
    return pane ? Number(pane.dataset.questionId) : questionId;
  }

  function onPaste(event) {
    const text = event.clipboardData?.getData("text/plain") ?? "";
    push("paste", questionOf(event.target), { chars: text.length });
  }

  function onDrop(event) {
    const text = event.dataTransfer?.getData("text/plain") ?? "";
    if (text) push("paste", questionOf(event.target), { chars: text.length, via: "drop" });
  }

  async function flush({ keepalive = false } = {}) {
    if (activeSince !== null && (performance.now() - activeSince) / 1000 >= QUESTION_TIME_CHUNK_S) closeQuestionTime();
    if (sending || !queue.length) return;
    sending = true;
    try {
      while (queue.length) {
        const batch = queue.splice(0, BATCH);
        const res = await api.post("events/", { events: batch }, { keepalive });
        if (res.offline) {
          queue = batch.concat(queue); // keep them; the next tick retries
          return;
        }
        // Otherwise sent, or refused for good (attempt closed, malformed): never loop on a refusal.
        if (!res.ok && res.status === 403) queue = [];
      }
    } finally {
      sending = false;
    }
  }

  // Page is going away: close the open question time and send what is left, best effort.
  function flushOnExit() {
    closeQuestionTime();
    sending = false; // a request still in flight may never be answered now; send the rest anyway
    flush({ keepalive: true });
  }

  function start() {
    document.addEventListener("paste", onPaste, true); // capture: CodeMirror handles paste itself
    document.addEventListener("drop", onDrop, true);
    document.addEventListener("visibilitychange", checkPresence);
    window.addEventListener("blur", checkPresence);
    window.addEventListener("focus", checkPresence);
    setInterval(() => flush(), FLUSH_EVERY_MS);
    checkPresence();
  }

  function stop() {
    closeQuestionTime();
    flush();
    stopped = true;
  }

  return { start, stop, setQuestion, flush, flushOnExit };
}
