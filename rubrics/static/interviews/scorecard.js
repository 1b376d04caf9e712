// The scorecard page: debounced autosave (PATCH with the version last seen), conflicts, submit.
(function () {
  "use strict";
  const form = document.getElementById("scorecard-form");
  const dataNode = document.getElementById("scorecard-data");
  if (!form || !dataNode) return;
  const data = JSON.parse(dataNode.textContent);
  const statusNode = document.getElementById("save-status");
  const notice = document.getElementById("notice");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const DELAY = 700;
  let scorecardId = data.scorecard_id;
  let version = data.version;
  let timer = null;
  let inFlight = null;
  let dirty = false;
  let stopped = false;

  function setStatus(text) { statusNode.textContent = text; }
  function showNotice(message, detail) {
    notice.textContent = "";
    const strong = document.createElement("strong");
    strong.textContent = message;
    notice.appendChild(strong);
    if (detail) {
      const p = document.createElement("div");
      p.textContent = detail;
      notice.appendChild(p);
    }
    notice.hidden = false;
  }
  function clearNotice() { notice.hidden = true; notice.textContent = ""; }

  async function api(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "X-Organisation": data.organisation },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let payload = null;
    try { payload = await response.json(); } catch (e) { payload = null; }
    return { status: response.status, ok: response.ok, payload };
  }

  function errorOf(result) {
    const error = (result.payload && result.payload.error) || {};
    return { code: error.code || "http_" + result.status, message: error.message || "The server refused the change.", details: error.details };
  }

  function collect() {
    const ratings = [];
    for (const fieldset of form.querySelectorAll("fieldset.criterion")) {
      const checked = fieldset.querySelector("input[type=radio]:checked");
      if (!checked) continue;
      ratings.push({
        question_id: Number(fieldset.dataset.question),
        criterion_id: Number(fieldset.dataset.criterion),
        score: Number(checked.value),
        notes: fieldset.querySelector("textarea.rating-notes").value,
      });
    }
    const recommendation = form.querySelector("input[name=recommendation]:checked");
    return {
      ratings,
      key_takeaways: form.querySelector("#key-takeaways").value,
      notes: form.querySelector("#general-notes").value,
      recommendation: recommendation ? recommendation.value : "",
    };
  }

  async function ensureStarted() {
    if (scorecardId) return true;
    const result = await api("POST", data.list_url, { candidate_id: data.candidate_id, stage_id: data.stage_id });
    if (!result.ok) {
      const error = errorOf(result);
      showNotice(error.message, "(" + error.code + ")");
      setStatus("Not saved");
      return false;
    }
    scorecardId = result.payload.id;
    if (result.payload.version !== version) {
      // Another tab or device started this scorecard and saved into it: never write over that.
      conflict("Another tab or device has already saved this scorecard.");
      return false;
    }
    return true;
  }

  function conflict(message) {
    stopped = true;
    setStatus("Not saved");
    showNotice(
      "This scorecard changed somewhere else (another tab or device), so autosave has stopped.",
      message + " Reload the page to see the newest version; copy anything you want to keep first."
    );
  }

  async function save() {
    if (stopped) return false;
    if (inFlight) { await inFlight; }
    if (!dirty) return true;
    dirty = false;
    setStatus("Saving…");
    inFlight = (async () => {
      if (!(await ensureStarted())) { dirty = !stopped; return false; }
      const result = await api("PATCH", data.list_url + scorecardId + "/", { version, ...collect() });
      if (result.ok) {
        version = result.payload.version;
        setStatus(dirty ? "Unsaved changes" : "All changes saved");
        return true;
      }
      const error = errorOf(result);
      if (result.status === 409) {
        conflict(error.message);
      } else {
        dirty = true;
        setStatus("Not saved");
        showNotice("Your last change was not saved: " + error.message, "(" + error.code + ")");
      }
      return false;
    })();
    try { return await inFlight; } finally { inFlight = null; }
  }

  function changed() {
    if (stopped) return;
    dirty = true;
    setStatus("Unsaved changes");
    clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (event) => event.preventDefault());
  window.addEventListener("beforeunload", (event) => {
    if (dirty && !stopped) { event.preventDefault(); event.returnValue = ""; }
  });

  function markMissing(details) {
    for (const node of form.querySelectorAll(".missing")) node.classList.remove("missing");
    const missing = (details && details.ratings) || [];
    let first = null;
    for (const item of missing) {
      const fieldset = form.querySelector(
        `fieldset.criterion[data-question="${item.question_id}"][data-criterion="${item.criterion_id}"]`
      );
      if (fieldset) { fieldset.classList.add("missing"); first = first || fieldset; }
    }
    if (details && details.recommendation) {
      const fieldset = form.querySelector("#recommendation");
      fieldset.classList.add("missing");
      first = first || fieldset;
    }
    if (first) first.scrollIntoView({ block: "center" });
    return missing.length;
  }

  document.getElementById("submit-scorecard").addEventListener("click", async () => {
    if (stopped) return;
    if (!window.confirm("Submit this scorecard? It is locked afterwards; changes need an amendment with a reason.")) return;
    clearTimeout(timer);
    dirty = true;
    if (!(await save())) return;
    const result = await api("POST", data.list_url + scorecardId + "/submit/");
    if (result.ok) {
      dirty = false;
      window.location.reload();
      return;
    }
    const error = errorOf(result);
    if (error.code === "incomplete") {
      const count = markMissing(error.details);
      const parts = [];
      if (count) parts.push(count + " criterion rating" + (count === 1 ? "" : "s") + " missing (outlined in red)");
      if (error.details && error.details.recommendation) parts.push("no overall recommendation");
      showNotice(error.message, parts.join("; ") + ".");
    } else {
      showNotice("Not submitted: " + error.message, "(" + error.code + ")");
    }
  });
})();
