/**
 * Views saved by name: a name and the view's URL hash, kept in the window's local storage
 * (per machine, for every archive: a filter is meaningful wherever its values exist).
 */

export interface SavedView {
  name: string;
  hash: string;
}

const KEY = 'tracelab.saved-views';

export function loadSaved(storage: Pick<Storage, 'getItem'>): SavedView[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (v): v is SavedView => typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.hash === 'string',
    );
  } catch {
    return [];
  }
}

/** Saves `hash` under `name` (replacing a view of that name), sorted by name; returns the new list. */
export function saveView(storage: Pick<Storage, 'getItem' | 'setItem'>, name: string, hash: string): SavedView[] {
  const trimmed = name.trim();
  if (trimmed === '') return loadSaved(storage);
  const views = loadSaved(storage).filter((v) => v.name !== trimmed);
  views.push({ name: trimmed, hash });
  views.sort((a, b) => a.name.localeCompare(b.name));
  storage.setItem(KEY, JSON.stringify(views));
  return views;
}

export function removeView(storage: Pick<Storage, 'getItem' | 'setItem'>, name: string): SavedView[] {
  const views = loadSaved(storage).filter((v) => v.name !== name);
  storage.setItem(KEY, JSON.stringify(views));
  return views;
}
