// The countdown only displays the server's deadline; the server decides. The offset between the
// server's clock and this computer's is measured from `server_now`, so a wrong local clock does
// not change the time shown. The deadline can move later (extra time granted during the attempt):
// the page polls the server's clock and calls setDeadline.
import { formatLocal } from "./localtime.js";

const ANNOUNCE_AT_MINUTES = [60, 30, 15, 10, 5, 2, 1];
const WARN_BELOW_MS = 5 * 60 * 1000;

function format(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export function createCountdown({ el, deadlineEl, announcer, deadline, serverNow, onTick, onExpire }) {
  let deadlineMs = Date.parse(deadline);
  let offsetMs = Date.parse(serverNow) - Date.now();
  let timer = null;
  let lastMinute = null;
  let expired = false;
  let stopped = false;
  let started = false;

  const now = () => Date.now() + offsetMs; // the server's "now", as best we know it
  const remaining = () => deadlineMs - now();

  function showDeadline() {
    deadlineEl.textContent = formatLocal(new Date(deadlineMs));
    deadlineEl.dateTime = new Date(deadlineMs).toISOString();
    deadlineEl.title = "The server's deadline, in your time zone";
  }
  showDeadline();

  function tick() {
    started = true;
    clearTimeout(timer);
    const left = remaining();
    el.textContent = format(left);
    el.dataset.state = left <= 0 ? "ended" : left <= WARN_BELOW_MS ? "warning" : "running";
    el.dataset.remainingSeconds = String(Math.max(0, Math.ceil(left / 1000)));
    const minutes = Math.ceil(left / 60000);
    if (lastMinute !== null && minutes !== lastMinute && ANNOUNCE_AT_MINUTES.includes(minutes)) {
      announcer.textContent = minutes === 1 ? "1 minute left" : `${minutes} minutes left`;
    }
    lastMinute = minutes;
    if (onTick) onTick(left);
    if (left <= 0) {
      if (!expired) {
        expired = true;
        onExpire();
      }
      return;
    }
    // Wake up just after the next whole second of the remaining time.
    timer = setTimeout(tick, (left % 1000 || 1000) + 20);
  }

  // Background tabs get their timers throttled: catch up as soon as the page is visible again.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && !expired && timer !== null) tick();
  });

  return {
    start: tick,
    now,
    remaining,
    deadline: () => deadlineMs,
    sync(serverNowIso) {
      offsetMs = Date.parse(serverNowIso) - Date.now();
    },
    // The server moved the deadline (extra time): show it and count to it. True when it changed.
    setDeadline(deadlineIso) {
      const ms = Date.parse(deadlineIso);
      if (stopped || !Number.isFinite(ms) || ms === deadlineMs) return false;
      deadlineMs = ms;
      showDeadline();
      if (remaining() > 0) expired = false;
      if (started) tick();
      return true;
    },
    stop(text) {
      clearTimeout(timer);
      timer = null;
      expired = true;
      stopped = true;
      if (text) el.textContent = text;
      el.dataset.state = "ended";
    },
  };
}
