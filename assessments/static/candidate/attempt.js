// The assessment page: question navigation, answers with autosave, code runs, submit, deadline.
// Plain ES module, no build step. The only bundled code is the editor (window.LoopwrightEditor).
import { createApi } from "./api.js";
import { createAutosave } from "./autosave.js";
import { createCountdown } from "./countdown.js";
import {
  el, isDone, pollSubmission, renderFinal, renderRunResults, renderSamples, runMessage, showRunStatus,
} from "./grading.js";
import { createIntegrity } from "./integrity.js";

const $ = (id) => document.getElementById(id);
const state = JSON.parse($("attempt-state").textContent);
const main = $("content");
const api = createApi(main.dataset.apiBase);
const questions = new Map(state.questions.map((q) => [q.id, q]));
const order = state.questions.map((q) => q.id);
const inputs = new Map(); // question id -> {getValue, setValue, setReadOnly, focus}
let currentId = null;
let closed = false;
let leaving = false; // the candidate chose to reload: no "unsaved changes" prompt

const countdown = createCountdown({
  el: $("countdown"),
  deadlineEl: $("countdown-deadline"),
  announcer: $("timer-announcer"),
  deadline: state.attempt.deadline,
  serverNow: state.attempt.server_now,
  onTick: (left) => {
    // Last seconds: save whatever is typed right away, the server refuses writes after the deadline.
    if (left < 4000 && left > 0) autosave.flushAll();
  },
  onExpire: () => expireUnlessExtended(),
});
const clockPollMs = Number(main.dataset.clockPollMs) || 20000;
let clockTimer = null;

const autosave = createAutosave({
  api,
  getDelay: () => (countdown.remaining() < 20000 ? 250 : 1500),
  onStatus: setSaveStatus,
  onProblem: showProblem,
  onClosed: closeFromError,
  onSaved: (saved) => applyDeadline(saved.deadline),
});

const integrity = createIntegrity({ api, serverNow: () => countdown.now() });

// ------------------------------------------------------------------ helpers

function setSaveStatus(kind, text) {
  const status = $("save-status");
  status.dataset.state = kind;
  if (status.textContent !== text) status.textContent = text;
}

const limitOf = (q) =>
  q.limit ?? (q.kind === "coding"
    ? { size: state.limits?.code_bytes ?? 65536, unit: "bytes" }
    : { size: state.limits?.answer_chars ?? 20000, unit: "characters" });

const sizeOf = (text, unit) => (unit === "bytes" ? new TextEncoder().encode(text).length : text.length);

function isAnswered(q) {
  const body = inputs.get(q.id).getValue();
  return body.trim() !== "" && (!q.coding || body.trim() !== q.coding.starter_code.trim());
}

function updateProgress() {
  let answered = 0;
  for (const q of questions.values()) {
    const done = isAnswered(q);
    answered += done ? 1 : 0;
    const mark = $(`nav-${q.id}`).querySelector(".nav-mark");
    if (mark.dataset.answered !== String(done)) {
      mark.dataset.answered = String(done);
      mark.firstElementChild.textContent = done ? ", answered" : ", not answered yet";
    }
  }
  $("progress-count").textContent = String(answered);
  $("progress-bar").value = answered;
  $("submit-answered").textContent = `${answered} of ${questions.size}`;
}

function updateCounter(q) {
  const counter = $(`count-${q.id}`);
  const { size, unit } = limitOf(q);
  const used = sizeOf(inputs.get(q.id).getValue(), unit);
  counter.dataset.over = String(used > size);
  // Code size only matters near the limit; written answers always show their length.
  const show = q.kind !== "coding" || used > size * 0.8;
  counter.textContent = show
    ? `${used.toLocaleString()} / ${size.toLocaleString()} ${unit}${used > size ? " — over the limit, shorten it to save" : ""}`
    : "";
}

function onInput(q) {
  updateCounter(q);
  updateProgress();
  autosave.changed(q.id);
}

// A problem with one answer (conflict, too large, ...) shown in its pane; null clears it.
function showProblem(id, error) {
  const notice = $(`notice-${id}`);
  if (!error) {
    notice.hidden = true;
    notice.replaceChildren();
    return;
  }
  if (error.code === "stale_version") {
    const current = error.details?.current_version;
    notice.replaceChildren(
      el("p", { text: "This answer was changed in another tab or device — reload to see the newest version. " +
        "What you typed here since then is not saved." }),
      el("button", { type: "button", className: "button button--small", id: `conflict-reload-${id}`,
        "data-testid": `conflict-reload-${id}`, text: "Reload the page" }),
      el("button", { type: "button", className: "button button--small", id: `conflict-keep-${id}`,
        "data-testid": `conflict-keep-${id}`, text: "Keep this tab's text instead" }),
    );
    $(`conflict-reload-${id}`).addEventListener("click", () => {
      leaving = true;
      window.location.reload();
    });
    $(`conflict-keep-${id}`).addEventListener("click", () => autosave.overwrite(id, current));
  } else {
    notice.replaceChildren(el("p", { text: error.message || "This answer could not be saved." }));
  }
  notice.hidden = false;
}

// ------------------------------------------------------------------ answers and editors

const plain = (text) => text.replace(/\s+/g, " ").trim().toLowerCase();

// Many prompts start with their question's title (often a shortened copy): do not say it twice.
function tidyPrompt(q) {
  const prompt = $(`q-${q.id}`).querySelector(".prompt");
  const title = plain(q.title).replace(/(…|\.\.\.)$/, "");
  const first = prompt.firstElementChild;
  if (first && /^H[1-6]$/.test(first.tagName) && plain(first.textContent) === plain(q.title)) first.remove();
  if (title && plain(prompt.textContent).startsWith(title)) {
    $(`q-${q.id}-title`).classList.add("visually-hidden"); // still names the pane for screen readers
    prompt.classList.add("prompt--lead");
  }
}

// The textareas are usable before this script runs (the editor bundle is large): keep what was typed
// meanwhile (init saves it). Otherwise the state is exact; the rendered text may have lost a leading newline.
function initialText(textarea, q) {
  const typedEarly = state.attempt.status === "in_progress" && textarea.value !== textarea.defaultValue;
  return typedEarly ? textarea.value : q.answer.body;
}

function mountWritten(q) {
  const textarea = $(`answer-${q.id}`);
  textarea.value = initialText(textarea, q);
  textarea.addEventListener("input", () => onInput(q));
  textarea.addEventListener("blur", () => autosave.save(q.id));
  inputs.set(q.id, {
    getValue: () => textarea.value,
    setValue: (text) => { textarea.value = text; },
    setReadOnly: (readOnly) => { textarea.readOnly = readOnly; },
    focus: () => textarea.focus(),
  });
  $(`preview-toggle-${q.id}`).addEventListener("click", () => togglePreview(q));
}

function mountCoding(q) {
  const fallback = $(`code-${q.id}`);
  const container = $(`editor-${q.id}`);
  renderSamples($(`samples-${q.id}`), q.coding);
  $(`run-samples-${q.id}`).addEventListener("click", () => runSamples(q));
  const text = initialText(fallback, q);
  if (window.LoopwrightEditor) {
    const editor = window.LoopwrightEditor.create(container, {
      doc: text,
      label: `Code for question ${q.position}: ${q.title}`,
      onChange: () => onInput(q),
      onBlur: () => autosave.save(q.id),
      describedBy: `editor-help-${q.id} count-${q.id}`,
      nonce: document.getElementById("attempt-script")?.nonce || "",
    });
    fallback.hidden = true;
    inputs.set(q.id, editor);
  } else {
    // The editor bundle did not load: the plain textarea still saves everything.
    container.hidden = true;
    fallback.value = text;
    fallback.addEventListener("input", () => onInput(q));
    fallback.addEventListener("blur", () => autosave.save(q.id));
    inputs.set(q.id, {
      getValue: () => fallback.value,
      setValue: (text) => { fallback.value = text; },
      setReadOnly: (readOnly) => { fallback.readOnly = readOnly; },
      focus: () => fallback.focus(),
    });
  }
  if (q.coding.last_run) trackRun(q, q.coding.last_run);
}

async function togglePreview(q) {
  const button = $(`preview-toggle-${q.id}`);
  const textarea = $(`answer-${q.id}`);
  const preview = $(`preview-${q.id}`);
  const on = button.dataset.state !== "preview";
  button.dataset.state = on ? "preview" : "edit";
  button.textContent = on ? "Edit" : "Preview"; // the label names what the button does next
  textarea.hidden = on;
  preview.hidden = !on;
  if (!on) {
    textarea.focus();
    return;
  }
  if (!textarea.value.trim()) {
    preview.textContent = "Nothing to preview yet.";
    return;
  }
  preview.focus();
  preview.textContent = "Rendering the preview…";
  const res = await api.post(`answers/${q.id}/preview/`, { body: textarea.value });
  if (res.ok) preview.innerHTML = res.data.html; // rendered and sanitised by the server (no raw HTML)
  else preview.textContent = res.offline
    ? "The preview needs a connection. Your text is safe; press Edit to return to it."
    : res.error.message || "The preview could not be rendered.";
}

// ------------------------------------------------------------------ run samples

async function runSamples(q) {
  const button = $(`run-samples-${q.id}`);
  const statusEl = $(`run-status-${q.id}`);
  button.disabled = true;
  showRunStatus(statusEl, "sending", "Saving and sending your code…");
  // Save first, so the run and the saved answer are the same code (and versions stay in step).
  await autosave.save(q.id);
  const problem = autosave.problemOf(q.id);
  if (problem && problem !== "offline") {
    showRunStatus(statusEl, "error", "Your code is not saved (see the message above), so it was not run.");
    button.disabled = false;
    return;
  }
  const res = await api.post(`answers/${q.id}/run-samples/`, { source: inputs.get(q.id).getValue() });
  if (!res.ok) {
    const code = res.error?.code;
    if (code === "deadline_passed" || code === "attempt_closed") closeFromError(res.error);
    showRunStatus(statusEl, "error", res.offline
      ? "Could not reach the server. Your code is kept here; try again in a moment."
      : res.error.message || "The samples could not be run.");
    button.disabled = closed;
    return;
  }
  await trackRun(q, res.data);
  button.disabled = closed;
}

async function trackRun(q, submission) {
  const statusEl = $(`run-status-${q.id}`);
  const resultsEl = $(`run-results-${q.id}`);
  const button = $(`run-samples-${q.id}`);
  button.disabled = true;
  const final = await pollSubmission(api, submission, (current, progress) => {
    showRunStatus(statusEl, current.status, runMessage(current, progress));
    renderRunResults(resultsEl, q.id, current, q.coding);
  });
  if (final.error) showRunStatus(statusEl, "error", final.error.message || "The results could not be loaded.");
  button.disabled = closed;
}

// ------------------------------------------------------------------ navigation

function show(id, { focus = false } = {}) {
  if (!questions.has(id) || id === currentId) return;
  if (currentId !== null) autosave.save(currentId);
  currentId = id;
  integrity.setQuestion(id);
  for (const pane of main.querySelectorAll(".pane")) pane.hidden = Number(pane.dataset.questionId) !== id;
  for (const link of document.querySelectorAll(".nav-item")) {
    if (Number(link.dataset.questionId) === id) link.setAttribute("aria-current", "true");
    else link.removeAttribute("aria-current");
  }
  history.replaceState(null, "", `#q-${id}`);
  const editor = inputs.get(id);
  if (editor?.view) editor.view.requestMeasure(); // it was measured while hidden
  if (focus) {
    $(`q-${id}-title`).focus({ preventScroll: true });
    window.scrollTo({ top: 0 });
  }
}

const idFromHash = () => Number((window.location.hash.match(/^#q-(\d+)$/) ?? [])[1]);

function wireNavigation() {
  const nav = $("question-nav");
  nav.addEventListener("click", (event) => {
    const link = event.target.closest(".nav-item");
    if (!link) return;
    event.preventDefault();
    show(Number(link.dataset.questionId), { focus: true });
  });
  // Arrow keys move between questions in the list, like a menu of steps.
  nav.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const links = [...nav.querySelectorAll(".nav-item")];
    const index = links.indexOf(document.activeElement);
    if (index === -1) return;
    event.preventDefault();
    links[Math.max(0, Math.min(links.length - 1, index + (event.key === "ArrowDown" ? 1 : -1)))].focus();
  });
  main.addEventListener("click", (event) => {
    const button = event.target.closest("[data-go]");
    if (!button) return;
    const index = order.indexOf(currentId) + (button.dataset.go === "next" ? 1 : -1);
    if (index >= 0 && index < order.length) show(order[index], { focus: true });
  });
  window.addEventListener("hashchange", () => show(idFromHash(), { focus: true }));
}

// ------------------------------------------------------------------ the server's clock

// Extra time granted while the page is open: the server moved the deadline. Count to the new one and say so.
function applyDeadline(deadline) {
  if (closed || !deadline || Date.parse(deadline) <= countdown.deadline()) return;
  if (!countdown.setDeadline(deadline)) return;
  const notice = $("time-notice");
  notice.textContent = `You have been given extra time: the assessment now ends at ${$("countdown-deadline").textContent}.`;
  notice.hidden = false;
}

function applyClock(clock) {
  countdown.sync(clock.server_now);
  applyDeadline(clock.deadline);
  if (clock.status !== "in_progress") closeAttempt(clock.finalised_by_deadline ? "timeup" : "submitted");
}

// Ask the server for the deadline now and then (and when the tab is shown again), not only at load.
async function pollClock() {
  clearTimeout(clockTimer);
  if (closed) return;
  const res = await api.get("clock/");
  if (res.ok) applyClock(res.data);
  if (!closed) clockTimer = setTimeout(pollClock, clockPollMs);
}

// At the deadline shown, ask the server once more: extra time given a moment ago keeps the page open.
async function expireUnlessExtended() {
  const res = await api.get("clock/");
  if (res.ok && res.data.status === "in_progress" && Date.parse(res.data.deadline) > countdown.deadline()) {
    applyClock(res.data);
    return;
  }
  closeAttempt("timeup");
}

// ------------------------------------------------------------------ submit and closing

function wireSubmit() {
  const dialog = $("submit-dialog");
  const confirm = $("submit-confirm");
  const error = $("submit-error");
  $("submit-button").addEventListener("click", () => {
    updateProgress();
    error.hidden = true;
    dialog.showModal();
  });
  $("submit-cancel").addEventListener("click", () => dialog.close());
  dialog.addEventListener("cancel", (event) => {
    if (confirm.disabled) event.preventDefault(); // Esc must not hide a submit that is under way
  });
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    confirm.textContent = "Saving your answers…";
    const unsaved = await autosave.flushAll();
    if (unsaved.length && !closed) {
      const which = unsaved.map((e) => questions.get(e.id).position).join(", ");
      error.textContent = `Question ${which} is not saved yet (offline, too long, or changed in another tab). ` +
        "Nothing was submitted. Check the message on that question, wait for “Saved”, then submit again.";
      error.hidden = false;
    } else if (!closed) {
      confirm.textContent = "Submitting…";
      // Send the integrity events still queued first: the server takes none once the attempt is submitted.
      await integrity.flush();
      const res = await api.post("submit/");
      const code = res.error?.code;
      if (res.ok || code === "already_submitted") {
        dialog.close();
        closeAttempt("submitted");
      } else if (code === "deadline_passed" || code === "attempt_closed") {
        dialog.close();
        closeFromError(res.error);
      } else {
        error.textContent = res.offline
          ? "Could not reach the server, so nothing was submitted. Your answers are kept; try again in a moment."
          : res.error.message || "The assessment could not be submitted.";
        error.hidden = false;
      }
    }
    confirm.disabled = false;
    confirm.textContent = "Submit now";
    if (closed && dialog.open) dialog.close();
  });
}

function setReadOnly() {
  for (const input of inputs.values()) input.setReadOnly(true);
  main.classList.add("is-readonly");
  for (const button of main.querySelectorAll("[id^='run-samples-']")) button.hidden = true;
  $("submit-button").hidden = true;
}

// Submitted by the candidate, or the time is up: freeze the page, then follow the server's grading.
function closeAttempt(reason, serverMessage) {
  if (closed) return;
  closed = true;
  clearTimeout(clockTimer);
  autosave.stop();
  integrity.stop();
  setReadOnly();
  const timeUp = reason === "timeup";
  countdown.stop("0:00");
  $("timer").hidden = !timeUp; // after an early submit the time left no longer matters
  setSaveStatus("closed", timeUp ? "Time is up" : "Submitted");
  main.dataset.status = "submitted";
  $("closed-title").textContent = timeUp ? "Time is up" : "Submitted";
  $("closed-message").textContent = timeUp
    ? "Time is up — your saved work has been submitted. You can close this page."
    : "Thank you — your answers are submitted and can no longer change. You can close this page.";
  if (serverMessage) {
    $("page-message").textContent = serverMessage;
    $("page-message").hidden = false;
  }
  $("closed-banner").hidden = false;
  $("closed-banner").scrollIntoView({ block: "start" });
  followGrading();
}

// A write was refused: the deadline passed, or the attempt was submitted (e.g. from another tab).
function closeFromError(error) {
  closeAttempt(error?.code === "attempt_closed" ? "submitted" : "timeup", error?.message);
}

// Reload the state until the server has finalised the attempt, then poll each final submission.
async function followGrading() {
  const status = $("grading-status");
  const list = $("grading-list");
  let delay = 1500;
  for (;;) {
    const res = await api.get("state/");
    if (res.ok && res.data.attempt.status !== "in_progress") {
      main.dataset.status = res.data.attempt.status;
      const finals = res.data.final_submissions ?? [];
      if (!finals.length) return;
      $("grading").hidden = false;
      await Promise.all(finals.map((submission, index) =>
        pollSubmission(api, submission, (current) => {
          finals[index] = current;
          renderFinal(list, finals, questions);
          const done = finals.filter(isDone).length;
          status.dataset.state = done === finals.length ? "done" : "pending";
          status.textContent = done === finals.length
            ? "Grading finished."
            : `Grading in progress: ${done} of ${finals.length} coding answers done…`;
        }, { interval: 1500 })));
      return;
    }
    $("grading").hidden = false;
    status.dataset.state = "pending";
    status.textContent = res.offline
      ? "Waiting for the connection to come back…"
      : "Finalising your assessment on the server…";
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(10000, delay * 1.5);
  }
}

// ------------------------------------------------------------------ page lifecycle

function saveOnExit() {
  autosave.flushAll({ keepalive: true });
  integrity.flushOnExit();
}

function wireLifecycle() {
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") saveOnExit();
    else pollClock();
  });
  window.addEventListener("pagehide", saveOnExit);
  window.addEventListener("online", () => autosave.retryOffline());
  window.addEventListener("beforeunload", (event) => {
    if (leaving || !autosave.hasUnsaved()) return;
    event.preventDefault();
    event.returnValue = ""; // asks "Leave site?": some typing is not saved yet
  });
}

function init() {
  for (const q of state.questions) {
    tidyPrompt(q);
    if (q.kind === "coding" && q.coding) mountCoding(q);
    else mountWritten(q);
    autosave.register(q.id, { version: q.answer.version, body: q.answer.body, getBody: () => inputs.get(q.id).getValue() });
    updateCounter(q);
  }
  updateProgress();
  wireNavigation();
  wireSubmit();
  const fromHash = idFromHash();
  show(questions.has(fromHash) ? fromHash : order[0]);
  if (state.attempt.status !== "in_progress") {
    closeAttempt(state.attempt.finalised_by_deadline ? "timeup" : "submitted");
    return;
  }
  wireLifecycle();
  for (const q of state.questions) if (inputs.get(q.id).getValue() !== q.answer.body) onInput(q); // typed early
  integrity.start();
  countdown.start();
  clockTimer = setTimeout(pollClock, clockPollMs);
}

init();
