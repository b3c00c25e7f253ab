// A LIKE pattern that finds `text` anywhere, case-insensitively (matched against lower-cased columns),
// with LIKE's own characters taken literally.
export const likePattern = (text: string): string =>
  `%${text.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
