/**
 * The Flux webhook pipeline: HMAC signature checks, signing keys from Secrets Manager, the
 * event shapes of Function URLs and API Gateway, `processWebhook` (answers every request with an
 * outcome and never throws), the middy handler around it, and the one composition of its
 * dependencies that the Lambda and `fluxguard webhook serve` share.
 *
 * ```ts
 * const deps = createWebhookDeps({ keys: { secretArn }, queue: { url }, maxBodyBytes: 131_072 }, { env });
 * export const handler = createWebhookHandler({ deps, logger, metrics });
 * ```
 *
 * @module
 */
export {
  createWebhookDeps,
  type WebhookSettings,
} from './create-webhook-deps.js';
export {
  createWebhookHandler,
  type WebhookHandlerOptions,
} from './create-webhook-handler.js';
export {
  type EventShape,
  eventShape,
  toWebhookRequest,
  toWebhookResult,
  type WebhookAnswer,
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
