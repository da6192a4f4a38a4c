// The institutions of the articles, under fictional names: platforms, banks, a small lender, the bureau, the regulator.
import type { NewInstitution } from "../institutions/institutions.ts";

export interface DemoInstitution extends NewInstitution {
  /** What the demo's platforms furnish, and how many active users they declare to the regulator. */
  readonly furnishes?: readonly (
    | "payments"
    | "micro_loans"
    | "food_delivery"
    | "ecommerce"
    | "bnpl"
    | "travel"
    | "bank_loans"
    | "cards"
  )[];
  readonly active_users_declared?: number;
}

export const demoInstitutions: readonly DemoInstitution[] = [
  {
    id: "qilin-pay",
    name: "Qilin Pay (messaging and payments super-app)",
    legal_id: "91440300MA5DEMO01X",
    roles: ["furnisher", "lender"],
    kind: "platform",
    furnishes: ["payments", "micro_loans"],
    active_users_declared: 6_000,
  },
  {
    id: "mantou-eats",
    name: "Mantou Eats (food delivery)",
    legal_id: "91110105MA0DEMO02Y",
    roles: ["furnisher"],
    kind: "platform",
    furnishes: ["food_delivery"],
    active_users_declared: 4_500,
  },
  {
    id: "jingxi-mall",
    name: "Jingxi Mall (e-commerce; holds 25% of the bureau)",
    legal_id: "91110302MA0DEMO03Z",
    roles: ["furnisher", "lender"],
    kind: "platform",
    stake_bp: 2_500,
    furnishes: ["ecommerce", "bnpl"],
    active_users_declared: 5_000,
  },
  {
    id: "yunlv-travel",
    name: "Yunlv Travel (travel bookings)",
    legal_id: "91310000MA1DEMO04A",
    roles: ["furnisher"],
    kind: "platform",
    furnishes: ["travel"],
    active_users_declared: 2_500,
  },
  {
    id: "donggang-bank",
    name: "Donggang Commercial Bank",
    legal_id: "91310000DEMOBANK1B",
    roles: ["lender", "furnisher"],
    kind: "bank",
    furnishes: ["bank_loans", "cards"],
  },
  {
    id: "beiyuan-bank",
    name: "Beiyuan Industrial Bank",
    legal_id: "91110000DEMOBANK2C",
    roles: ["lender", "furnisher"],
    kind: "bank",
    furnishes: ["bank_loans", "cards"],
  },
  {
    id: "hupan-rcb",
    name: "Hupan Rural Commercial Bank (small regional lender)",
    legal_id: "91330100DEMORCB03D",
    roles: ["lender"],
    kind: "small_lender",
  },
  {
    id: "baixin-credit",
    name: "Baixin Credit Information Services (the bureau)",
    legal_id: "91110000DEMOBUR04E",
    roles: ["bureau"],
    kind: "bureau",
  },
  {
    id: "central-bank",
    name: "Central Bank Credit Reporting Administration (regulator)",
    legal_id: "11100000DEMOREG05F",
    roles: ["regulator"],
    kind: "regulator",
  },
];
