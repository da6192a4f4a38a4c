// The model card: a plain-text account of what a scorecard is for, what it was trained on and how well it ranks.
import type { ScorecardModel } from "./model-schema.ts";

// Names that suggest a protected characteristic; a model that uses one gets a warning in its card.
const protected_name_pattern =
  /sex|gender|race|ethnic|religio|nationality|foreign|marital|personal_status|disab/i;

function formatMetric(value: number): string {
  return value.toFixed(3);
}

export function renderModelCard(model: Omit<ScorecardModel, "model_card">): string {
  const { training, metrics, scaling } = model;
  const lines: string[] = [];
  lines.push(`# Model card: ${model.name}`);
  lines.push("");
  lines.push(
    "Purpose: rank applicants by the probability of a bad outcome and explain each score with up to four key factors.",
  );
  lines.push(
    `Type: logistic scorecard on weight-of-evidence bins, monotonic per numeric feature, L2 = ${training.l2}, Platt-calibrated on ${training.folds}-fold out-of-fold predictions.`,
  );
  lines.push(
    `Target: "${model.target.name}" = "${model.target.bad_label}" is bad. Training rows: ${training.rows}, bads: ${training.bads} (${((100 * training.bads) / training.rows).toFixed(1)}%).`,
  );
  lines.push(
    `Scale: ${scaling.base_score} points at odds ${scaling.base_odds}:1 (good:bad), ${scaling.pdo} points to double the odds, clipped to ${scaling.score_min}..${scaling.score_max}.`,
  );
  lines.push("");
  lines.push("## Features (by information value)");
  for (const feature of [...model.features].sort((a, b) => b.iv - a.iv)) {
    const shape = feature.kind === "numeric" ? `${feature.direction} risk` : "categorical";
    lines.push(`- ${feature.name}: IV ${feature.iv.toFixed(3)}, ${feature.bins.length} bins, ${shape}`);
  }
  if (training.dropped_features.length > 0) {
    lines.push("");
    lines.push("## Features not used");
    for (const dropped of training.dropped_features)
      lines.push(`- ${dropped.name}: ${dropped.reason} (${dropped.detail})`);
  }
  lines.push("");
  lines.push("## Performance");
  const { in_sample, out_of_fold } = metrics;
  lines.push(
    `- Out-of-fold (${training.folds} folds): AUC ${formatMetric(out_of_fold.auc)} [${formatMetric(out_of_fold.auc_ci.low)}, ${formatMetric(out_of_fold.auc_ci.high)}], KS ${formatMetric(out_of_fold.ks)}, Gini ${formatMetric(out_of_fold.gini)}`,
  );
  lines.push(
    `- In-sample (optimistic): AUC ${formatMetric(in_sample.auc)}, KS ${formatMetric(in_sample.ks)}, Gini ${formatMetric(in_sample.gini)}`,
  );
  const cv = metrics.cross_validation;
  if (cv !== undefined) {
    lines.push(
      `- ${cv.folds}-fold cross-validation (whole training procedure refitted per fold): mean AUC ${formatMetric(cv.auc_mean)} (sd ${formatMetric(cv.auc_sd)}), mean KS ${formatMetric(cv.ks_mean)}, mean Gini ${formatMetric(cv.gini_mean)}`,
    );
  }
  lines.push("");
  lines.push("## Limitations");
  lines.push(
    "- Valid for populations like the training sample; watch the population stability index (PSI) over time.",
  );
  lines.push("- Monotonic bins trade a little fit for explanations a person can act on.");
  lines.push("- Categories and missing values not seen in training score at the population average.");
  const flagged = model.features
    .filter((feature) => protected_name_pattern.test(feature.name))
    .map((f) => f.name);
  if (flagged.length > 0) {
    lines.push(
      `- WARNING: ${flagged.join(", ")} may encode a protected characteristic; many regimes forbid its use in credit decisions. Retrain with it excluded before any production use.`,
    );
  }
  for (const warning of training.warnings) lines.push(`- Data warning ${warning.code}: ${warning.message}`);
  return lines.join("\n");
}
