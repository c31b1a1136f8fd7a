import type { Step } from './steps';

/** One row of a side-by-side view: a step of each session, or a gap on one side. */
export interface AlignedRow {
  left: Step | null;
  right: Step | null;
}

/** What makes two steps "the same move": the kind of step and, for tools, which tool. */
function signature(step: Step): string {
  switch (step.type) {
    case 'tool':
      return `tool:${step.name}`;
    case 'message':
    case 'error':
      return `${step.type}:${step.role}`;
    default:
      return step.type;
  }
}

/**
 * Aligns two sessions' steps so that matching moves sit side by side: a longest common
 * subsequence of step signatures, with the steps between matches paired up in order and
 * the rest shown against a gap. O(n·m) time and memory (2,000 × 2,000 steps: 4 M cells).
 */
export function alignSteps(a: Step[], b: Step[]): AlignedRow[] {
  const sa = a.map(signature);
  const sb = b.map(signature);
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..], in a flat array.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] = sa[i] === sb[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const rows: AlignedRow[] = [];
  let i = 0;
  let j = 0;
  let pendingLeft: Step[] = [];
  let pendingRight: Step[] = [];
  const flush = () => {
    const k = Math.max(pendingLeft.length, pendingRight.length);
    for (let x = 0; x < k; x++) rows.push({ left: pendingLeft[x] ?? null, right: pendingRight[x] ?? null });
    pendingLeft = [];
    pendingRight = [];
  };
  while (i < n && j < m) {
    if (sa[i] === sb[j]) {
      flush();
      rows.push({ left: a[i++], right: b[j++] });
    } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
      pendingLeft.push(a[i++]);
    } else {
      pendingRight.push(b[j++]);
    }
  }
  while (i < n) pendingLeft.push(a[i++]);
  while (j < m) pendingRight.push(b[j++]);
  flush();
  return rows;
}
