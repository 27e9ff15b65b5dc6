/** lakectl-compatible local checkouts (Node only). */
export {
  type Checkout,
  type CheckoutChange,
  CheckoutError,
  type CheckoutErrorReason,
  type CheckoutStatus,
  type LocalCommitOptions,
  type LocalOptions,
  localClone,
  localCommit,
  localPull,
  localStatus,
  openCheckout,
} from "./checkout.js";
