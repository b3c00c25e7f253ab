// Message templates: "{{entity.name}}" placeholders filled from own properties of the data.

export function renderText(template: string, data: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_, path: string) => {
    let node: unknown = data;
    for (const key of path.split('.')) {
      if (
        node === null ||
        typeof node !== 'object' ||
        !Object.prototype.hasOwnProperty.call(node, key)
      ) {
        return '';
      }
      node = (node as Record<string, unknown>)[key];
    }
    if (typeof node === 'string') return node;
    if (typeof node === 'number' || typeof node === 'boolean') return String(node);
    return node === null || node === undefined ? '' : JSON.stringify(node);
  });
}
