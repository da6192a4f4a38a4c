// The billing error catalogue: every code billing raises, registered with the HTTP layer at import time.
import { registerErrorCodes } from "../http/errors.ts";

registerErrorCodes({
  BILLING_EFFECTIVE_DATE_INVALID: {
    status: 422,
    title: "A price, tier or revenue share change must take effect on a real UTC day after today",
  },
  BILLING_PRICE_OUT_OF_RANGE: {
    status: 422,
    title: "A price is negative or larger than 2^63 - 1 minor units",
  },
  BILLING_SHARE_OUT_OF_RANGE: {
    status: 422,
    title: "A revenue share is between 0 and 10000 basis points, in whole points",
  },
  BILLING_NO_PRICE: { status: 503, title: "The price book has no price for this product on this day" },
  BILLING_CHARGE_UNKNOWN: { status: 404, title: "No charge was metered for this log index" },
  BILLING_NOT_METERED: { status: 409, title: "The log entry has not been metered yet; fold the log first" },
  BILLING_REFUND_CONFLICT: {
    status: 409,
    title: "The charge was already refunded with a different reason",
  },
  BILLING_REASON_INVALID: { status: 422, title: "A refund reason is 1 to 500 characters of text" },
});
