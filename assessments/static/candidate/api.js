// Small JSON client for /take/<token>/api/. Never throws: every call resolves to
//   {ok, status, data, error, offline}
// where `error` is the server's {"code", "message", "details"} and `offline` means the request never
// got an answer (network down, server unreachable), which callers retry.

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

export function createApi(base) {
  async function call(method, path, body, { keepalive = false } = {}) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = csrfToken();
    }
    let response;
    try {
      response = await fetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        cache: "no-store",
        keepalive,
      });
    } catch {
      return { ok: false, status: 0, data: null, error: null, offline: true };
    }
    let data = null;
    if (response.status !== 204) {
      try {
        data = await response.json();
      } catch {
        data = null; // e.g. an HTML error page from a proxy
      }
    }
    const error = response.ok ? null : (data?.error ?? { code: `http_${response.status}`, message: "", details: {} });
    // 5xx and 429 are the server being busy or restarting: treat like being offline, retry later.
    const offline = response.status >= 500 || response.status === 429;
    return { ok: response.ok, status: response.status, data, error, offline };
  }

  return {
    get: (path) => call("GET", path),
    post: (path, body, options) => call("POST", path, body ?? {}, options),
    put: (path, body, options) => call("PUT", path, body, options),
  };
}
