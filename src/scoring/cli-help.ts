// The help texts of the `credence model` commands.
import { line_bytes_max } from "./line-reader.ts";

export const overview = `Usage: credence model <command> [options]

Commands:
  train     train a scorecard from a labelled CSV or UCI German file
  evaluate  measure a model on labelled data (AUC, KS, Gini, PSI) and write a report
  score     score NDJSON records from stdin, one JSON line out per record

Run "credence model <command> --help" for the options of a command.
`;

export const train_help = `Usage: credence model train --data FILE --out MODEL.json [options]

  --data FILE            labelled data (required)
  --format csv|german    csv (with a header line) or the UCI German format; default csv
  --target COL           the 0/1 outcome column (required for csv; german: "bad")
  --bad-value V          the target value that means bad, when the target is not 0/1
  --categorical COL      treat COL as categorical (repeatable); text columns already are
  --exclude COL          leave COL out (repeatable), e.g. identifiers or protected characteristics
  --features COL         train on these features only (repeatable), e.g. a thin-file card
  --direction COL=DIR    force the risk trend of numeric COL: ascending or descending (repeatable)
  --inquiry COL          COL counts credit inquiries: it may be listed as a fifth key factor
                         (repeatable; the bureau's inquiries_3m/6m/12m are already known)
  --folds N              folds for L2 choice, calibration and cross-validation; default 5
  --seed N               seed for folds and bootstraps; default 1
  --no-cv                skip the outer cross-validation (faster; the model has no CV figures)
  --name NAME            model name; default "scorecard"
  --base-score N --base-odds N --pdo N --score-min N --score-max N
                         scaling; default 600 points at 50:1, 20 points to double, 300..900
  --out MODEL.json       where to write the model (required)
  --report FILE.html     also write an HTML report
  --json                 print the result as JSON

A column holding numbers on some lines and text on others is rejected (COLUMN_MIXED_TYPES);
declare it --categorical if the text is meaningful. Constant and empty columns are dropped with
a warning.
`;

export const evaluate_help = `Usage: credence model evaluate --model MODEL.json --data FILE [options]

  --model MODEL.json     the model to evaluate (required)
  --data FILE            labelled data with every model feature (required)
  --format csv|german    default csv
  --target COL           outcome column; default the model's target
  --bad-value V          the value meaning bad; default the model's
  --seed N               seed for the bootstrap intervals; default 1
  --report FILE.html     also write an HTML report
  --json                 print the result as JSON
`;

export const score_help = `Usage: credence model score --model MODEL.json < records.ndjson

Reads one JSON object of feature values per line from stdin and writes one JSON line per record:
{"line":N,"score":S,"pd":P,"reasons":[...]}, or {"line":N,"error":{"code":...,"message":...}} for a
bad line (LINE_TOO_LONG beyond ${line_bytes_max} bytes). Exits 1 if any line failed, 0 otherwise.

  --model MODEL.json     the model (required)
  --absent-as-missing    score a feature absent from a record as missing instead of rejecting it
`;
