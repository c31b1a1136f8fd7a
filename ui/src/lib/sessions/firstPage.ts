/**
 * Asks for a view's first page of rows at once, before the view's total is known (the facet
 * counts that give it take longer), and hands that answer to the table when it asks for the
 * same rows. A filter click then costs one round trip, not two in a row.
 */
export type RowFetcher<T> = ((start: number, count: number) => Promise<T>) & {
  /** The first page if it has already arrived, handed over once (as a fetch of it would be). */
  takeArrived?: () => T | undefined;
  /** Settles when the first page has arrived or failed. */
  settled?: Promise<void>;
};

export function withFirstPage<T>(fetch: (start: number, count: number) => Promise<T>, pageSize: number): RowFetcher<T> {
  let first: Promise<T> | null = fetch(0, pageSize);
  let arrived: T | undefined;
  // Unhandled until the table asks; a failure is reported to it then.
  const settled = first.then(
    (rows) => {
      arrived = rows;
    },
    () => {},
  );
  const rows: RowFetcher<T> = (start, count) => {
    if (first !== null && start === 0 && count === pageSize) {
      const answer = first;
      first = null;
      return answer;
    }
    return fetch(start, count);
  };
  rows.settled = settled;
  rows.takeArrived = () => {
    if (first === null || arrived === undefined) return undefined;
    first = null;
    return arrived;
  };
  return rows;
}
