/**
 * The line being edited and the editing operations of linenoise (redis-cli's line editor), as pure
 * functions: each takes a state and returns the next one. `pos` counts UTF-16 units but always sits
 * on a code point boundary.
 */

export interface LineState {
  text: string;
  pos: number;
}

export const EMPTY_LINE: LineState = { text: '', pos: 0 };

/** Length of the code point that ends at `pos` (1, or 2 for a surrogate pair). */
function sizeBefore(text: string, pos: number): number {
  if (pos >= 2) {
    const lo = text.charCodeAt(pos - 1);
    const hi = text.charCodeAt(pos - 2);
    if (lo >= 0xdc00 && lo <= 0xdfff && hi >= 0xd800 && hi <= 0xdbff) return 2;
  }
  return pos > 0 ? 1 : 0;
}

/** Length of the code point that starts at `pos`. */
function sizeAt(text: string, pos: number): number {
  if (pos >= text.length) return 0;
  const hi = text.charCodeAt(pos);
  return hi >= 0xd800 && hi <= 0xdbff && pos + 1 < text.length ? 2 : 1;
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t';

export function insert(s: LineState, str: string): LineState {
  return { text: s.text.slice(0, s.pos) + str + s.text.slice(s.pos), pos: s.pos + str.length };
}

/** Backspace / Ctrl-H. */
export function deleteBack(s: LineState): LineState {
  const n = sizeBefore(s.text, s.pos);
  if (n === 0) return s;
  return { text: s.text.slice(0, s.pos - n) + s.text.slice(s.pos), pos: s.pos - n };
}

/** Delete / Ctrl-D on a non-empty line: the character under the cursor. */
export function deleteForward(s: LineState): LineState {
  const n = sizeAt(s.text, s.pos);
  if (n === 0) return s;
  return { text: s.text.slice(0, s.pos) + s.text.slice(s.pos + n), pos: s.pos };
}

export function moveLeft(s: LineState): LineState {
  return { text: s.text, pos: s.pos - sizeBefore(s.text, s.pos) };
}

export function moveRight(s: LineState): LineState {
  return { text: s.text, pos: s.pos + sizeAt(s.text, s.pos) };
}

/** Ctrl-A / Home. */
export function moveHome(s: LineState): LineState {
  return { text: s.text, pos: 0 };
}

/** Ctrl-E / End. */
export function moveEnd(s: LineState): LineState {
  return { text: s.text, pos: s.text.length };
}

/** Alt-B / Ctrl-Left: to the start of the previous word. */
export function wordLeft(s: LineState): LineState {
  let p = s.pos;
  while (p > 0 && isSpace(s.text[p - 1])) p--;
  while (p > 0 && !isSpace(s.text[p - 1])) p--;
  return { text: s.text, pos: p };
}

/** Alt-F / Ctrl-Right: to the end of the next word. */
export function wordRight(s: LineState): LineState {
  let p = s.pos;
  while (p < s.text.length && isSpace(s.text[p])) p++;
  while (p < s.text.length && !isSpace(s.text[p])) p++;
  return { text: s.text, pos: p };
}

/** Ctrl-K: delete from the cursor to the end of the line. */
export function killToEnd(s: LineState): LineState {
  return { text: s.text.slice(0, s.pos), pos: s.pos };
}

/** Ctrl-U: linenoise deletes the whole line (not only up to the cursor, as bash does). */
export function killLine(_s: LineState): LineState {
  return EMPTY_LINE;
}

/** Ctrl-W: delete the word before the cursor (and the spaces after it), as linenoise does. */
export function deleteWordBack(s: LineState): LineState {
  const start = wordLeft(s).pos;
  return { text: s.text.slice(0, start) + s.text.slice(s.pos), pos: start };
}

/** Ctrl-T: swap the character before the cursor with the one under it, then move right. */
export function transpose(s: LineState): LineState {
  if (s.pos === 0 || s.text.length < 2) return s;
  // At the end of the line, swap the last two characters (as linenoise does: pos stays).
  const at = s.pos >= s.text.length ? s.pos - sizeBefore(s.text, s.pos) : s.pos;
  const b = sizeBefore(s.text, at);
  const a = sizeAt(s.text, at);
  if (b === 0 || a === 0) return s;
  const left = s.text.slice(at - b, at);
  const right = s.text.slice(at, at + a);
  const text = s.text.slice(0, at - b) + right + left + s.text.slice(at + a);
  return { text, pos: Math.min(at + a, text.length) };
}
