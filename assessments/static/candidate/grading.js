// Code runs: sample tables, "Run samples" progress and results, and the final grading progress.
// Everything the candidate's code produced is inserted with textContent, never as HTML.

export const VERDICTS = {
  accepted: "accepted",
  wrong_answer: "wrong answer",
  time_limit_exceeded: "time limit exceeded",
  memory_limit_exceeded: "memory limit exceeded",
  output_limit_exceeded: "output limit exceeded",
  runtime_error: "runtime error",
  compile_error: "compile error",
  internal_error: "internal error (ours, not your code)",
};
const DONE = new Set(["graded", "failed"]);

// A JSON value written as a Python literal, the way the candidate's function sees it.
export function pyRepr(value) {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const escaped = value
      .replaceAll("\\", "\\\\")
      .replaceAll("\n", "\\n")
      .replaceAll("\t", "\\t")
      .replaceAll("\r", "\\r")
      .replaceAll(quote, `\\${quote}`);
    return quote + escaped + quote;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(", ")}}`;
}

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

const code = (text) => el("code", { className: "value", text });
const verdictBadge = (verdict) =>
  el("span", {
    className: `verdict ${verdict === "accepted" ? "verdict--accepted" : verdict ? "verdict--bad" : "verdict--pending"}`,
    text: verdict ? VERDICTS[verdict] ?? verdict.replaceAll("_", " ") : "pending",
  });
const call = (fn, args) => `${fn}(${(args ?? []).map(pyRepr).join(", ")})`;
const expectedText = (sample) => (sample.expected_exception ? `raises ${sample.expected_exception}` : pyRepr(sample.expected));

export function renderSamples(table, coding) {
  const tbody = table.tBodies[0];
  if (!coding.samples.length) {
    tbody.replaceChildren(el("tr", {}, el("td", { colspan: "3", text: "This question has no sample tests." })));
    return;
  }
  tbody.replaceChildren(
    ...coding.samples.map((sample) =>
      el("tr", {}, el("th", { scope: "row", text: sample.name }),
        el("td", {}, code(call(coding.function_name, sample.args))),
        el("td", {}, code(expectedText(sample)))),
    ),
  );
}

// ------------------------------------------------------------------ run samples: progress + results

const STEPS = [["queued", "Queued"], ["running", "Running"], ["results", "Results"]];

function stepsList(phase) {
  const at = { sending: -1, queued: 0, running: 1, graded: 2, failed: 2 }[phase] ?? -1;
  return el("ol", { className: "steps", "aria-label": "Progress" },
    ...STEPS.map(([, label], index) =>
      el("li", { text: label, "aria-current": index === at ? "step" : null, "data-done": index < at ? "true" : null })));
}

// phase: sending | queued | running | graded | failed | error. Re-rendered only when something changed,
// so screen readers hear each step once.
export function showRunStatus(statusEl, phase, message) {
  const key = `${phase}|${message}`;
  if (statusEl.dataset.key === key) return;
  statusEl.dataset.key = key;
  statusEl.dataset.state = phase;
  const busy = phase === "sending" || phase === "queued" || phase === "running";
  statusEl.replaceChildren(
    phase === "error" ? "" : stepsList(phase),
    el("p", {}, busy ? el("span", { className: "spinner", "aria-hidden": "true" }) : null, message),
  );
}

export function runMessage(submission, { waitedMs = 0, offline = false } = {}) {
  const tests = submission.tests ?? [];
  if (offline) return "Connection lost — still checking for your results…";
  switch (submission.status) {
    case "queued":
      return waitedMs > 20000
        ? "Still queued: grading is busy right now. Your code is saved; you can keep working meanwhile."
        : "Queued — waiting for a free sandbox…";
    case "running":
      return "Running your code on the sample tests…";
    case "failed":
      return "We could not run your code because of a problem on our side, not in your code. Please try again.";
    default: {
      if (submission.verdict === "compile_error") return "Your code could not be loaded (see the message below).";
      const passed = tests.filter((t) => t.verdict === "accepted").length;
      return `Done: ${passed} of ${tests.length} sample test${tests.length === 1 ? "" : "s"} passed.`;
    }
  }
}

function outputDetails(test) {
  const parts = [];
  if (test.message) parts.push(el("p", { text: test.message }));
  if (test.stdout) parts.push(el("p", { className: "muted", text: "stdout" }), el("pre", { text: test.stdout }));
  if (test.stderr) parts.push(el("p", { className: "muted", text: "stderr" }), el("pre", { text: test.stderr }));
  if (!parts.length) return el("span", { className: "muted", text: "—" });
  return el("details", {}, el("summary", { text: test.stderr ? "Output and errors" : "Output" }), ...parts);
}

// What the function returned ({"value": ...}) or raised ({"raised": "ValueError", "message": ...}).
function actualText(actual) {
  if (actual === null || actual === undefined) return "—";
  if (typeof actual === "object" && !Array.isArray(actual)) {
    if ("raised" in actual) return `raised ${actual.raised}${actual.message ? `: ${actual.message}` : ""}`;
    if ("value" in actual) return pyRepr(actual.value);
  }
  return pyRepr(actual);
}

// The submission repeats the expected value; the sample itself says whether it is an exception.
function expectedOf(test, coding) {
  const sample = coding.samples.find((candidate) => candidate.name === test.name);
  return sample ? expectedText(sample) : pyRepr(test.expected);
}

export function renderRunResults(resultsEl, questionId, submission, coding) {
  if (!DONE.has(submission.status)) {
    resultsEl.replaceChildren();
    return;
  }
  const parts = [];
  if (submission.compile_message) parts.push(el("pre", { className: "notice", text: submission.compile_message }));
  const tests = submission.tests ?? [];
  if (tests.length) {
    const head = ["Test", "Verdict", "Expected", "Your result", "Output"];
    parts.push(el("div", { className: "table-wrap" }, el("table", { className: "table", id: `run-table-${questionId}` },
      el("caption", { className: "visually-hidden", text: "Sample test results" }),
      el("thead", {}, el("tr", {}, ...head.map((text) => el("th", { scope: "col", text })))),
      el("tbody", {}, ...tests.map((test, index) =>
        el("tr", { "data-testid": `sample-result-${questionId}-${index + 1}`, "data-verdict": test.verdict ?? "" },
          el("th", { scope: "row", text: test.name ?? `Test ${index + 1}` }),
          el("td", {}, verdictBadge(test.verdict)),
          el("td", {}, code(expectedOf(test, coding))),
          el("td", {}, code(actualText(test.actual))),
          el("td", {}, outputDetails(test))))),
    )));
  }
  resultsEl.replaceChildren(...parts);
}

// Poll GET submissions/<id>/ until graded or failed. onUpdate(submission, {waitedMs, offline}).
export async function pollSubmission(api, submission, onUpdate, { interval = 700 } = {}) {
  const started = Date.now();
  let current = submission;
  let delay = interval;
  onUpdate(current, { waitedMs: 0 });
  while (!DONE.has(current.status)) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    const res = await api.get(`submissions/${current.id}/`);
    const waitedMs = Date.now() - started;
    if (res.ok) {
      current = res.data;
      // After a minute of waiting (busy graders, no sandbox yet) ask less often.
      delay = waitedMs > 60000 ? 3000 : interval;
      onUpdate(current, { waitedMs });
    } else if (res.offline) {
      delay = Math.min(10000, delay * 2);
      onUpdate(current, { waitedMs, offline: true });
    } else {
      return { ...current, status: "failed", verdict: null, error: res.error };
    }
  }
  return current;
}

// ------------------------------------------------------------------ final grading (after submit)

export function renderFinal(listEl, finals, questions) {
  listEl.replaceChildren(...finals.map((submission) => {
    const question = questions.get(submission.question_id);
    const title = question ? `Question ${question.position}: ${question.title}` : `Question ${submission.question_id}`;
    const tests = submission.tests ?? [];
    let status;
    if (submission.status === "queued") status = "waiting to be graded…";
    else if (submission.status === "running") status = "grading…";
    else if (submission.status === "failed") status = "could not be graded automatically; a reviewer will look at it.";
    // What the question set shows of hidden tests (submission.feedback): per_test, count or none.
    else if (submission.feedback === "none") status = "submitted.";
    else if (submission.verdict === "compile_error") status = "graded: the code could not be loaded.";
    else if (submission.feedback === "count") status = `graded: ${submission.accepted} of ${submission.total} tests accepted.`;
    else status = `graded: ${tests.filter((t) => t.verdict === "accepted").length} of ${tests.length} tests accepted.`;
    return el("li", { "data-testid": `grading-q-${submission.question_id}`, "data-status": submission.status },
      el("a", { href: `#q-${submission.question_id}`, text: title }), ` — ${status}`,
      submission.compile_message
        ? el("pre", { className: "notice", "data-testid": `grading-q-${submission.question_id}-message`, text: submission.compile_message })
        : null,
      tests.length && submission.feedback === "per_test" ? el("ul", { className: "grading-tests" }, ...tests.map((test) =>
        el("li", { "data-testid": `grading-q-${submission.question_id}-test-${test.index}`, "data-verdict": test.verdict ?? "" },
          `Test ${test.index}: `, verdictBadge(test.verdict)))) : null);
  }));
}

export const isDone = (submission) => DONE.has(submission.status);
