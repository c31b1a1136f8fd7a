/**
 * Observable Plot (with the d3 modules it brings, about half of the app's script) loads the
 * first time a chart is drawn, so the first rows of the sessions view never wait for it.
 */
type PlotModule = typeof import('@observablehq/plot');

let loading: Promise<PlotModule> | undefined;

/** The Plot module; one load shared by every chart. A failed load is tried again next time. */
export function loadPlot(): Promise<PlotModule> {
  loading ??= import('@observablehq/plot').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
