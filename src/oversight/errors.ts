// The oversight domain's error codes, registered with the HTTP layer when the domain loads.
import { registerErrorCodes } from "../http/errors.ts";

registerErrorCodes({
  MANDATE_NOT_FURNISHER: {
    status: 422,
    title: "Only an institution holding the furnisher role can be placed under the furnishing mandate",
  },
});
