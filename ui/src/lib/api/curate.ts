import { call, subscribe } from './bridge';

/** Typed front for the curation view's commands (`src-tauri/src/curation.rs`); `CurateConfig` mirrors `curate.toml`. */

export const FORMATS = ['trl_preference', 'trl_unpaired', 'trl_sft', 'openai_preference', 'openrlhf', 'verl'] as const;
export type Format = (typeof FORMATS)[number];
export const BUILTIN_BENCHMARKS = ['swebench_verified', 'swebench_lite'] as const;

export interface CurateConfig {
  name: string;
  license: string;
  seed: number;
  where: string;
  pairs: { same_model: boolean; same_harness_version: boolean; same_prompt: boolean; min_score_gap: number; max_per_task: number };
  balance: { max_task_share: number; max_repo_share: number; max_model_share: number; match_length: boolean; max_length_ratio: number };
  split: { by: 'repo' | 'task'; train: number; validation: number; test: number };
  decontam: { benchmarks: string[]; ngram: number; threshold: number; after: string | null; strict: boolean };
  scrub: { enabled: boolean; rules: string | null };
  export: { formats: Format[]; jsonl: boolean; include_thinking: boolean };
}

type Splits = { train: number; validation: number; test: number };

export interface SetReport {
  rows: number;
  splits: Splits;
  caps: { before: number; removed_by_task_share: number; removed_by_repo_share: number; removed_by_model_share: number; after: number };
  model_shares: Record<string, number>;
  top_repo_share: number;
  top_task_share: number;
}

export interface CurateReport {
  intake: {
    read: number;
    filtered_out: number;
    without_task: number;
    without_outcome: number;
    decontam_dropped: number;
    no_prompt: number;
    no_answer: number;
    candidates: number;
    decontam_flagged: number;
    never_chosen: number;
  };
  benchmarks: string[];
  pairing: {
    tasks: number;
    tasks_paired: number;
    tasks_only_success: number;
    tasks_only_failure: number;
    tasks_single_session: number;
    removed_by_max_per_task: number;
    removed_by_length_ratio: number;
  };
  pairs: SetReport;
  unpaired: SetReport;
  sft: SetReport;
  prompts: SetReport;
  lengths: { chosen_tokens_median: number; rejected_tokens_median: number; chosen_steps_mean: number; rejected_steps_mean: number; chosen_longer_share: number };
  unpaired_desirable: number;
  unpaired_undesirable: number;
  scrubbed: Record<string, number>;
  warnings: string[];
}

export interface ContaminationHit {
  session_id: string;
  check: string;
  benchmark: string;
  instance_id: string | null;
  score: number;
  evidence: { matched: string; detail: string };
  severity: 'warn' | 'drop';
}

export interface CurationPreview {
  report: CurateReport;
  hits: ContaminationHit[];
  total_hits: number;
  rows: [string, number][];
  empty: string | null;
}

export interface WrittenFile {
  path: string;
  rows: number | null;
  bytes: number;
  sha256: string;
}

export function defaultConfig(): Promise<CurateConfig> {
  return call<CurateConfig>('curate_default');
}

export function preview(config: CurateConfig): Promise<CurationPreview> {
  return call<CurationPreview>('curate_preview', { config });
}

export function saveConfig(config: CurateConfig): Promise<string | null> {
  return call<string | null>('curate_save_config', { config });
}

export function chooseOutputFolder(): Promise<string | null> {
  return call<string | null>('choose_output_folder');
}

export function exportCuration(config: CurateConfig, out: string): Promise<{ archive_sha256: string; files: WrittenFile[] }> {
  return call('curate_export', { config, out });
}

/** `curate-progress` payload: the export's phase, and units (bytes, file sets) done of it. */
export interface CurateProgress {
  phase: string;
  done: number;
  total: number | null;
}

export function onCurateProgress(handler: (p: CurateProgress) => void): Promise<() => void> {
  return subscribe<CurateProgress>('curate-progress', handler);
}
