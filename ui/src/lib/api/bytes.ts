/**
 * Raw IPC responses arrive as an `ArrayBuffer` over Tauri's custom protocol,
 * but the postMessage fallback IPC delivers the same bytes as a JSON array of
 * numbers. Accept both (and typed-array views) so decoding does not depend on
 * which transport the webview picked.
 */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return Uint8Array.from(value as number[]);
  }
  throw { code: 'corrupt', message: `Expected Arrow IPC bytes from the backend, got ${describe(value)}.` };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array that is not bytes';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}
