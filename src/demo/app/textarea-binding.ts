import type * as Y from 'yjs';

/**
 * Binds a Y.Text to a text area both ways: local edits become the smallest delete + insert
 * in one transaction, remote changes replace the value and keep the caret where it was
 * relative to the text around it. Returns a function that undoes the binding.
 */
export function bindTextarea(text: Y.Text, area: HTMLTextAreaElement): () => void {
  const doc = text.doc;
  if (!doc) throw new Error('the Y.Text must belong to a Y.Doc');
  const localOrigin = { binding: 'textarea' };
  let shown = text.toString();
  area.value = shown;

  const onInput = (): void => {
    const next = area.value;
    const { start, removed, inserted } = difference(shown, next);
    shown = next;
    if (removed === 0 && inserted === '') return;
    doc.transact(() => {
      if (removed > 0) text.delete(start, removed);
      if (inserted !== '') text.insert(start, inserted);
    }, localOrigin);
  };

  const onChange = (event: Y.YTextEvent, transaction: Y.Transaction): void => {
    if (transaction.origin === localOrigin) return;
    const focused = document.activeElement === area;
    let selectionStart = area.selectionStart;
    let selectionEnd = area.selectionEnd;
    let index = 0;
    for (const op of event.delta) {
      if (op.retain !== undefined) {
        index += op.retain;
      } else if (op.insert !== undefined) {
        const length = typeof op.insert === 'string' ? op.insert.length : 1;
        if (selectionStart > index) selectionStart += length;
        if (selectionEnd > index) selectionEnd += length;
        index += length;
      } else if (op.delete !== undefined) {
        selectionStart -= Math.min(op.delete, Math.max(0, selectionStart - index));
        selectionEnd -= Math.min(op.delete, Math.max(0, selectionEnd - index));
      }
    }
    shown = text.toString();
    area.value = shown;
    if (focused) area.setSelectionRange(selectionStart, selectionEnd);
  };

  area.addEventListener('input', onInput);
  text.observe(onChange);
  return () => {
    area.removeEventListener('input', onInput);
    text.unobserve(onChange);
  };
}

/** The one changed span between two strings, never splitting a UTF-16 surrogate pair. */
function difference(before: string, after: string): { start: number; removed: number; inserted: string } {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  if (endBefore < before.length && isLowSurrogate(before.charCodeAt(endBefore))) {
    endBefore++;
    endAfter++;
  }
  return { start, removed: endBefore - start, inserted: after.slice(start, endAfter) };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
