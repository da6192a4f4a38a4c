// Ranking of key factors while a record is scored: the four costliest features, plus an inquiry fifth.
import type { ScoreReason } from "./scorer.ts";

// The FCRA allows up to four key factors; inquiries may be added as a fifth (§609(f)(9)).
export const reasons_max = 4;

// Features are offered in model order as they are scored; the ranking keeps the top four by points
// lost (ties keep model order) in place, because this runs for every score and sorting would
// allocate. One instance serves one scorecard: scoring is synchronous.
export class KeyFactorRanking {
  readonly #reasons: ScoreReason[] = [];
  readonly #lost: number[] = [];
  readonly #inquiry: boolean[] = [];
  #count = 0;
  #best_inquiry: ScoreReason | undefined;
  #best_inquiry_lost = 0;

  reset(): void {
    this.#count = 0;
    this.#best_inquiry = undefined;
    this.#best_inquiry_lost = 0;
  }

  offer(reason: ScoreReason, lost: number, inquiry: boolean): void {
    if (this.#count === reasons_max) {
      const last = reasons_max - 1;
      if (lost <= (this.#lost[last] as number)) {
        this.#considerInquiry(reason, lost, inquiry);
        return;
      }
      this.#considerInquiry(
        this.#reasons[last] as ScoreReason,
        this.#lost[last] as number,
        this.#inquiry[last] as boolean,
      );
      this.#count -= 1;
    }
    let position = this.#count;
    while (position > 0 && (this.#lost[position - 1] as number) < lost) {
      this.#reasons[position] = this.#reasons[position - 1] as ScoreReason;
      this.#lost[position] = this.#lost[position - 1] as number;
      this.#inquiry[position] = this.#inquiry[position - 1] as boolean;
      position -= 1;
    }
    this.#reasons[position] = reason;
    this.#lost[position] = lost;
    this.#inquiry[position] = inquiry;
    this.#count += 1;
  }

  #considerInquiry(reason: ScoreReason, lost: number, inquiry: boolean): void {
    if (inquiry && lost > this.#best_inquiry_lost) {
      this.#best_inquiry = reason;
      this.#best_inquiry_lost = lost;
    }
  }

  result(): ScoreReason[] {
    const reasons = this.#reasons.slice(0, this.#count);
    const listed = this.#inquiry.slice(0, this.#count).includes(true);
    if (this.#best_inquiry !== undefined && !listed) reasons.push(this.#best_inquiry);
    return reasons;
  }
}
