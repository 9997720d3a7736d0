// Formatting of server values for display.

export function formatTime(ms) {
  if (!ms) return '—';
  const d = new Date(Number(ms));
  const pad = (n) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

export function relativeTime(ms) {
  if (!ms) return '—';
  const s = Math.round((Date.now() - Number(ms)) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return formatTime(ms);
}

export function duration(startMs, endMs) {
  if (!startMs) return '—';
  const s = Math.max(0, Math.round(((endMs || Date.now()) - startMs) / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}

export function changes(rc) {
  if (!rc) return '—';
  return `+${rc.add} ~${rc.change} -${rc.destroy}`;
}

// "key:value, key2" from a tags map.
export function tagsText(tags) {
  return Object.entries(tags || {})
    .map(([k, v]) => (v ? `${k}:${v}` : k))
    .join(', ');
}

// The tags map from "key:value, key2".
export function parseTags(text) {
  const out = {};
  for (const part of String(text).split(',')) {
    const item = part.trim();
    if (!item) continue;
    const colon = item.indexOf(':');
    if (colon < 0) out[item] = '';
    else out[item.slice(0, colon).trim()] = item.slice(colon + 1).trim();
  }
  return out;
}

// The source of a workspace: "repo @ branch main / path".
export function sourceText(ws) {
  if (!ws.repository) return 'none (state only: terraform runs elsewhere use the backend)';
  let ref = '';
  if (ws.repository_branch) ref = `branch ${ws.repository_branch}`;
  else if (ws.repository_commit) ref = `tag ${ws.repository_commit}`;
  else if (ws.repository_sha) ref = `commit ${ws.repository_sha}`;
  const path = ws.repository_path ? `, folder ${ws.repository_path}` : '';
  return `${ws.repository} (${ref}${path})`;
}
