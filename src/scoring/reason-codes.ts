// Stable reason codes and sentences for each feature: hand-written for bureau features, generated otherwise.
import { bureauFeature, type Sentence } from "./bureau-features.ts";
import type { ReasonText } from "./model-schema.ts";

const code_base_chars_max = 70;

// The code stem of a feature: its name in SCREAMING_SNAKE, so the same feature always gives the
// same code whichever data set it was trained on.
export function featureCode(name: string): string {
  const snake = name
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toUpperCase()
    .slice(0, code_base_chars_max);
  if (snake === "") return "FEATURE";
  return /^[A-Z]/.test(snake) ? snake : `F_${snake}`;
}

function reason(code: string, sentence: Sentence): ReasonText {
  return { code, en: sentence.en, zh: sentence.zh };
}

// A feature without a label is named by its column name with underscores as spaces.
function labelOf(name: string, label: Sentence | undefined): Sentence {
  if (label !== undefined) return label;
  const spaced = name.replace(/_+/g, " ").trim();
  return { en: spaced, zh: spaced };
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function numericReasons(
  name: string,
  label?: Sentence,
): { higher: ReasonText; lower: ReasonText; missing: ReasonText } {
  const code = featureCode(name);
  const known = bureauFeature(name);
  if (known !== undefined) {
    return {
      higher: reason(`${code}_HIGH`, known.reasons.higher),
      lower: reason(`${code}_LOW`, known.reasons.lower),
      missing: reason(`${code}_MISSING`, known.reasons.missing),
    };
  }
  const { en, zh } = labelOf(name, label);
  return {
    higher: reason(`${code}_HIGH`, { en: `${capitalised(en)} is too high`, zh: `${zh}偏高` }),
    lower: reason(`${code}_LOW`, { en: `${capitalised(en)} is too low`, zh: `${zh}偏低` }),
    missing: reason(`${code}_MISSING`, { en: `${capitalised(en)} is missing`, zh: `${zh}缺失` }),
  };
}

export function categoricalReasons(
  name: string,
  label?: Sentence,
): { category: ReasonText; missing: ReasonText } {
  const code = featureCode(name);
  const { en, zh } = labelOf(name, label);
  return {
    category: reason(`${code}_CATEGORY`, {
      en: `${capitalised(en)} is in a higher-risk group`,
      zh: `${zh}属于较高风险类别`,
    }),
    missing: reason(`${code}_MISSING`, { en: `${capitalised(en)} is missing`, zh: `${zh}缺失` }),
  };
}
