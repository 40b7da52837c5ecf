/**
 * Go `encoding/json` compatibility. Pure.
 *
 * @module
 */

const GO_ESCAPED = /[<>&\u2028\u2029]/g;

/**
 * `JSON.stringify` as Go's `json.Marshal` writes it for the same key order: `<`, `>`, `&`, U+2028
 * and U+2029 escaped as `\u003c` and so on (they can only occur inside strings). This gives the
 * exact bytes notification-controller signs and sends for an event.
 */
export function goJsonStringify(value: unknown): string {
  return JSON.stringify(value).replace(
    GO_ESCAPED,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
