// A self-contained HTML report of a scorecard: metrics, ROC curve, score distribution, bins, stability.
import type { Evaluation } from "./evaluation.ts";
import type { MetricsWithIntervals } from "./metrics.ts";
import type { ScorecardModel } from "./model-schema.ts";
import { escapeHtml, histogramSvg, rocSvg } from "./svg-charts.ts";

export interface ReportInput {
  readonly title: string;
  readonly model: ScorecardModel;
  readonly evaluation: Evaluation;
  // What the evaluation's predictions are, e.g. "5-fold cross-validated predictions".
  readonly evaluation_label: string;
}

const style = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td.l,th.l{text-align:left}.charts{display:flex;gap:1em;flex-wrap:wrap}
pre{white-space:pre-wrap;background:#f7f7f7;padding:1em}h2{margin-top:1.6em}`;

function number(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "-";
}

function metricsRow(label: string, metrics: MetricsWithIntervals): string {
  const interval = (ci: { low: number; high: number }) => `[${number(ci.low)}, ${number(ci.high)}]`;
  return `<tr><td class="l">${escapeHtml(label)}</td><td>${metrics.rows}</td><td>${metrics.bads}</td><td>${number(metrics.auc)} ${interval(metrics.auc_ci)}</td><td>${number(metrics.ks)} ${interval(metrics.ks_ci)}</td><td>${number(metrics.gini)} ${interval(metrics.gini_ci)}</td></tr>`;
}

function metricsTable(input: ReportInput): string {
  const { model, evaluation } = input;
  const rows = [
    metricsRow(input.evaluation_label, evaluation.metrics),
    metricsRow(`out-of-fold at training (${model.training.folds} folds)`, model.metrics.out_of_fold),
    metricsRow("training data, in-sample (optimistic)", model.metrics.in_sample),
  ];
  const cv = model.metrics.cross_validation;
  const cv_line =
    cv === undefined
      ? ""
      : `<p>${cv.folds}-fold cross-validation, whole procedure refitted per fold: mean AUC <b>${number(cv.auc_mean)}</b> (sd ${number(cv.auc_sd)}; folds ${cv.fold_aucs.map((auc) => number(auc)).join(", ")}), mean KS ${number(cv.ks_mean)}, mean Gini ${number(cv.gini_mean)}.</p>`;
  return `<table><tr><th class="l">sample</th><th>rows</th><th>bads</th><th>AUC [95% CI]</th><th>KS [95% CI]</th><th>Gini [95% CI]</th></tr>${rows.join("")}</table>${cv_line}`;
}

function binsTables(model: ScorecardModel): string {
  return model.features
    .map((feature) => {
      const rows = [...feature.bins, feature.missing]
        .map((bin) => {
          const rate = bin.count === 0 ? "-" : `${((100 * bin.bad_count) / bin.count).toFixed(1)}%`;
          return `<tr><td class="l">${escapeHtml(bin.label)}</td><td>${bin.count}</td><td>${rate}</td><td>${number(bin.woe)}</td><td>${number(bin.points, 1)}</td></tr>`;
        })
        .join("");
      const shape = feature.kind === "numeric" ? `numeric, risk ${feature.direction}` : "categorical";
      return `<h3>${escapeHtml(feature.name)}</h3><p>${shape}; IV ${number(feature.iv)}; coefficient ${number(feature.coefficient)}</p><table><tr><th class="l">bin</th><th>rows</th><th>bad rate</th><th>WoE</th><th>points</th></tr>${rows}</table>`;
    })
    .join("");
}

function stabilitySection(evaluation: Evaluation): string {
  const stability = evaluation.stability;
  if (stability === undefined) return "";
  const rows = [...stability.characteristics]
    .sort((a, b) => b.psi - a.psi)
    .map(
      (entry) =>
        `<tr><td class="l">${escapeHtml(entry.feature)}</td><td>${number(entry.psi)}</td><td>${number(entry.points_shift, 2)}</td></tr>`,
    )
    .join("");
  return `<h2>Stability against the training sample</h2><p>Score PSI: <b>${number(stability.psi)}</b> (below 0.1 stable, 0.1-0.25 watch, above 0.25 shifted).</p><table><tr><th class="l">feature</th><th>PSI</th><th>points shift</th></tr>${rows}</table>`;
}

export function renderReport(input: ReportInput): string {
  const { model, evaluation } = input;
  const scaling = model.scaling;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title><style>${style}</style></head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p>Model <b>${escapeHtml(model.name)}</b>, trained ${escapeHtml(model.trained_at)} on ${model.training.rows} rows (${model.training.bads} bad). Scale: ${scaling.base_score} points at ${scaling.base_odds}:1 good:bad, ${scaling.pdo} points to double the odds, range ${scaling.score_min}-${scaling.score_max}. ${model.features.length} features.</p>
<h2>Ranking power</h2>
${metricsTable(input)}
<div class="charts">${rocSvg(evaluation.roc, `ROC, ${input.evaluation_label}: AUC ${number(evaluation.metrics.auc)}`)}${histogramSvg(evaluation.histogram, `Scores, ${input.evaluation_label}`)}</div>
${stabilitySection(evaluation)}
<h2>Scorecard</h2>
<p>Base points ${number(model.base_points, 1)}; score = base points + the points of each feature's bin, rounded and clipped.</p>
${binsTables(model)}
<h2>Model card</h2>
<pre>${escapeHtml(model.model_card)}</pre>
</body></html>
`;
}
