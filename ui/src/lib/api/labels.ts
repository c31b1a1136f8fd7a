import { call } from './bridge';

/** Typed front for the label commands (`src-tauri/src/labels.rs`). */

export interface Label {
  label_id: string;
  session_id: string;
  seq: number | null;
  name: string;
  value: string | null;
  note: string | null;
  author: string | null;
  created_at?: string;
}

export interface LabelCount {
  name: string;
  sessions: number;
}

export function sessionLabels(sessionId: string): Promise<Label[]> {
  return call<Label[]>('session_labels', { sessionId });
}

export function labelCounts(): Promise<LabelCount[]> {
  return call<LabelCount[]>('label_counts');
}

export function addLabel(sessionId: string, name: string, note: string | null): Promise<Label> {
  return call<Label>('add_label', { sessionId, name, value: null, note });
}
