// Finds a field named twice in one JSON object line, which JSON.parse would silently resolve to the last
// value. A furnisher's ambiguous line is rejected instead.

/** The first top-level member name that occurs twice in `text`, or undefined. `text` must be valid JSON. */
export function duplicateMember(text: string, members: number): string | undefined {
  // Fast path: every member needs one colon outside strings, so as many colons as distinct members
  // proves there is no duplicate without scanning the strings.
  let colons = 0;
  for (let i = text.indexOf(":"); i !== -1 && colons <= members; i = text.indexOf(":", i + 1)) colons += 1;
  if (colons === members) return undefined;
  return scanMembers(text);
}

function scanMembers(text: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(text, i);
      if (depth === 1 && isFollowedByColon(text, end + 1)) {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        if (seen.has(name)) return name;
        seen.add(name);
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      depth += 1;
    } else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
    }
  }
  return undefined;
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i += 1;
    else if (c === 0x22) return i;
  }
  return text.length;
}

function isFollowedByColon(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) return true;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return false;
}
