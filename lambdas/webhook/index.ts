/**
 * The webhook: the Flux route (HMAC signature checks, `processWebhook`) and the Alertmanager route
 * (`/alertmanager`: bearer token, payload version 4, `processAlertmanager`), keys from Secrets
 * Manager, the event shapes of Function URLs and API Gateway, the middy handler around both routes
 * (every request gets an outcome, never a throw), and the one composition of its dependencies that
 * the Lambda and `fluxguard webhook serve` share.
 *
 * ```ts
 * const deps = createWebhookDeps({ keys: { secretArn }, queue: { url }, maxBodyBytes: 131_072 }, { env });
 * export const handler = createWebhookHandler({ deps, logger, metrics });
 * ```
 *
 * @module
 */
export {
  type BearerParse,
  type BearerProblem,
  parseBearerHeader,
  tokenMatches,
} from './bearer-token.js';
export {
  createWebhookDeps,
  type WebhookSettings,
} from './create-webhook-deps.js';
export {
  createWebhookHandler,
  type WebhookHandlerOptions,
} from './create-webhook-handler.js';
export {
  ALERTMANAGER_PATH_SEGMENT,
  type EventShape,
  eventShape,
  routeOf,
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
  observeAlertmanagerOutcome,
  observeOutcome,
} from './observe.js';
export { type AlertmanagerOutcome, processAlertmanager } from './process-alertmanager.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  isJsonContentType,
  type OutcomeKind,
  processWebhook,
  type WebhookDeps,
  type WebhookOutcome,
} from './process-webhook.js';
export { RecentDeliveries, type RecentDeliveriesOptions } from './recent-deliveries.js';
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
