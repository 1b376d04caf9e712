// Show server times in the candidate's own time zone. The page renders them in UTC first, so
// nothing is lost if this does not run.

export function formatLocal(date, { withDate = true } = {}) {
  const sameDay = date.toDateString() === new Date().toDateString();
  const options = withDate && !sameDay ? { dateStyle: "full", timeStyle: "short" } : { timeStyle: "short" };
  return new Intl.DateTimeFormat(undefined, options).format(date);
}

export function localiseTimes(root = document) {
  for (const el of root.querySelectorAll("time[data-local-time]")) {
    const date = new Date(el.dateTime);
    if (Number.isNaN(date.getTime())) continue;
    el.title = el.textContent.trim(); // the UTC text stays available on hover
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    el.textContent = `${new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" }).format(date)} (your time${zone ? `, ${zone}` : ""})`;
  }
}

localiseTimes();
