/**
 * The Flux webhook pipeline: HMAC signature checks, signing keys from Secrets Manager, the
 * event shapes of Function URLs and API Gateway, and `processWebhook`, which answers every request
 * with an outcome and never throws.
 *
 * ```ts
 * const outcome = await processWebhook(toWebhookRequest(event), deps);
 * return toWebhookResult(outcome);
 * ```
 *
 * @module
 */
export {
  type EventShape,
  eventShape,
  toWebhookRequest,
  toWebhookResult,
  type WebhookAnswer,
  type WebhookEvent,
  type WebhookRequest,
  type WebhookResult,
} from './http.js';
export {
  type JsonErrorAnswerOptions,
  jsonErrorAnswer,
} from './json-error-answer.js';
export {
  type KeyVersion,
  SecretsManagerKeys,
  type SecretsManagerKeysOptions,
  type SigningKeys,
  StaticKeys,
} from './keys.js';
export {
  type Observers,
  OUTCOME_METRICS,
  observeOutcome,
} from './observe.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  isJsonContentType,
  type OutcomeKind,
  processWebhook,
  type WebhookDeps,
  type WebhookOutcome,
} from './process-webhook.js';
export {
  hmac,
  parseSignatureHeader,
  SIGNATURE_ALGORITHMS,
  SIGNATURE_HEADER,
  type Signature,
  type SignatureAlgorithm,
  type SignatureParse,
  type SignatureProblem,
  signatureMatches,
  signBody,
} from './signature.js';
