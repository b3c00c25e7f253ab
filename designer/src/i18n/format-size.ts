// A size in bytes as people read it, in either language (a backup's size, a body's limit).

/** 812 KB, 4.9 MB (decimal units, as file managers show them). */
export function formatSize(bytes: number): string {
  if (bytes < 1_000_000) return `${Math.max(1, Math.round(bytes / 1000))} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
