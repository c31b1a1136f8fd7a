import { describe, expect, it } from 'vitest';
import { withFirstPage } from './firstPage';

describe('the first page asked for early', () => {
  it('is fetched at once and handed over once', async () => {
    const asked: string[] = [];
    const fetch = async (start: number, count: number) => {
      asked.push(`${start}+${count}`);
      return `${start}+${count}`;
    };
    const rows = withFirstPage(fetch, 200);
    expect(asked).toEqual(['0+200']);
    expect(await rows(0, 200)).toBe('0+200');
    expect(asked).toEqual(['0+200']);
    expect(await rows(200, 200)).toBe('200+200');
    // A second ask (a retry, a scroll back) goes to the engine again.
    expect(await rows(0, 200)).toBe('0+200');
    expect(asked).toEqual(['0+200', '200+200', '0+200']);
  });

  it('is not used for another window, and its failure reaches the table', async () => {
    let calls = 0;
    const rows = withFirstPage(async (start: number, count: number) => {
      calls++;
      if (calls === 1) throw new Error('engine down');
      return start + count;
    }, 200);
    expect(await rows(0, 37)).toBe(37);
    await expect(rows(0, 200)).rejects.toThrow('engine down');
    expect(await rows(0, 200)).toBe(200);
  });

  it('can be taken as rows once it has arrived, and only once', async () => {
    const asked: string[] = [];
    const rows = withFirstPage(async (start: number, count: number) => {
      asked.push(`${start}+${count}`);
      return `${start}+${count}`;
    }, 200);
    expect(rows.takeArrived?.()).toBeUndefined();
    await Promise.resolve();
    await Promise.resolve();
    expect(rows.takeArrived?.()).toBe('0+200');
    expect(rows.takeArrived?.()).toBeUndefined();
    // Taken: asking for the first page now goes to the engine.
    expect(await rows(0, 200)).toBe('0+200');
    expect(asked).toEqual(['0+200', '0+200']);
  });
});
