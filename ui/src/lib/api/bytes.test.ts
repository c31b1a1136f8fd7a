import { describe, expect, it } from 'vitest';
import { toBytes } from './bytes';

describe('toBytes', () => {
  it('wraps an ArrayBuffer without copying', () => {
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const bytes = toBytes(buffer);
    expect(bytes.buffer).toBe(buffer);
    expect([...bytes]).toEqual([1, 2, 3]);
  });

  it('respects the offset of a view', () => {
    const view = new DataView(new Uint8Array([9, 9, 4, 5]).buffer, 2, 2);
    expect([...toBytes(view)]).toEqual([4, 5]);
  });

  it('accepts the JSON number array of the fallback IPC', () => {
    expect([...toBytes([0, 127, 255])]).toEqual([0, 127, 255]);
  });

  it('rejects anything else with a corrupt error', () => {
    expect(() => toBytes({ rows: [] })).toThrow(expect.objectContaining({ code: 'corrupt' }));
    expect(() => toBytes([1, 256])).toThrow(expect.objectContaining({ code: 'corrupt' }));
    expect(() => toBytes(null)).toThrow(expect.objectContaining({ message: expect.stringContaining('null') }));
  });
});
