/**
 * The little markup lesson text uses: paragraphs separated by a blank line, lines starting with "- "
 * as a list, `code` in backquotes. Parsed into plain data the template renders (never v-html).
 */
export type Inline = { readonly code: boolean; readonly text: string };
export type Block = { readonly kind: 'p'; readonly parts: readonly Inline[] } | { readonly kind: 'ul'; readonly items: readonly (readonly Inline[])[] };

export function inline(text: string): Inline[] {
  return text
    .split('`')
    .map((part, i) => ({ code: i % 2 === 1, text: part }))
    .filter((p) => p.text !== '');
}

export function blocks(text: string): Block[] {
  const out: Block[] = [];
  for (const chunk of text.split(/\n\s*\n/)) {
    const lines = chunk.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    // A paragraph may introduce a list: "text:\n- item\n- item".
    const firstItem = lines.findIndex((l) => l.startsWith('- '));
    const lead = firstItem < 0 ? lines : lines.slice(0, firstItem);
    if (lead.length > 0) out.push({ kind: 'p', parts: inline(lead.join(' ')) });
    if (firstItem >= 0) {
      const items: string[] = [];
      for (const l of lines.slice(firstItem)) {
        if (l.startsWith('- ')) items.push(l.slice(2));
        else items[items.length - 1] += ' ' + l.trim();
      }
      out.push({ kind: 'ul', items: items.map(inline) });
    }
  }
  return out;
}
