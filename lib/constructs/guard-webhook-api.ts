import { type RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import {
  InterfaceVpcEndpoint,
  InterfaceVpcEndpointAwsService,
  type IVpc,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
} from 'aws-cdk-lib/aws-ec2';
import { AnyPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, type IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';
import { EncryptedLogGroup } from './encrypted-log-group.js';

/** Stage of the private REST API. */
export const WEBHOOK_STAGE = 'v1';
/** Steady requests per second the API accepts before answering 429 (Flux retries). */
export const WEBHOOK_RATE_LIMIT = 20;
/** Burst of requests the API accepts at once. */
export const WEBHOOK_BURST_LIMIT = 40;

/** Properties of {@link GuardWebhookApi}. */
export interface GuardWebhookApiProps {
  readonly apiName: string;
  /** The cluster's VPC: the endpoint lives in its private subnets and accepts HTTPS from its CIDR. */
  readonly vpc: IVpc;
  readonly vpcCidr: string;
  /** The flux-webhook function behind every route. */
  readonly handler: IFunction;
  /** Also give the function a public URL (a cluster outside AWS). */
  readonly publicUrl: boolean;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The webhook's HTTP front door, private by default: a REST API of endpoint type PRIVATE reached
 * through an `execute-api` interface endpoint in the cluster's VPC, whose resource policy denies
 * every request that did not come through that endpoint. Routes: `POST /` and `POST /flux` (Flux
 * generic-hmac events; `X-Signature` required) and `POST /alertmanager` (Prometheus
 * Alertmanager; `Authorization` required); the function verifies both. Stage throttling, access
 * logs to an encrypted log group and X-Ray tracing. The endpoint's private DNS stays off, so other
 * API Gateway APIs the VPC calls are unaffected; Flux uses the endpoint-specific host name.
 *
 * @example
 * const api = new GuardWebhookApi(this, 'WebhookApi', {
 *   apiName, vpc, vpcCidr: '10.1.0.0/16', handler: webhook.function, publicUrl: false,
 *   logRetention, removalPolicy,
 * });
 * new CfnOutput(this, 'WebhookUrl', { value: api.fluxUrl });
 */
export class GuardWebhookApi extends Construct {
  /** The private REST API. */
  readonly api: RestApi;
  /** The interface endpoint it is reached through. */
  readonly endpoint: InterfaceVpcEndpoint;
  /** The URL Flux posts events to, through the endpoint. */
  readonly fluxUrl: string;
  /** The URL Alertmanager posts alerts to, through the endpoint. */
  readonly alertmanagerUrl: string;
  /** The public Function URL for Flux, when configured. */
  readonly publicFluxUrl?: string;

  constructor(scope: Construct, id: string, props: GuardWebhookApiProps) {
    super(scope, id);
    const endpointSecurityGroup = new SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: props.vpc,
      description: `HTTPS from the VPC to the ${props.apiName} endpoint`,
      allowAllOutbound: false,
    });
    endpointSecurityGroup.addIngressRule(Peer.ipv4(props.vpcCidr), Port.tcp(443), 'HTTPS from the VPC');
    this.endpoint = new InterfaceVpcEndpoint(this, 'Endpoint', {
      vpc: props.vpc,
      service: InterfaceVpcEndpointAwsService.APIGATEWAY,
      subnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [endpointSecurityGroup],
      privateDnsEnabled: false,
      open: false,
    });

    const accessLogs = new EncryptedLogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${props.apiName}`,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const endpointId = this.endpoint.vpcEndpointId;
    this.api = new RestApi(this, 'Api', {
      restApiName: props.apiName,
      description: 'fluxguard webhook: Flux notification-controller events and Alertmanager alerts',
      endpointConfiguration: { types: [EndpointType.PRIVATE], vpcEndpoints: [this.endpoint] },
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            effect: Effect.ALLOW,
            principals: [new AnyPrincipal()],
            actions: ['execute-api:Invoke'],
            resources: ['execute-api:/*'],
            conditions: { StringEquals: { 'aws:SourceVpce': endpointId } },
          }),
          new PolicyStatement({
            effect: Effect.DENY,
            principals: [new AnyPrincipal()],
            actions: ['execute-api:Invoke'],
            resources: ['execute-api:/*'],
            conditions: { StringNotEquals: { 'aws:SourceVpce': endpointId } },
          }),
        ],
      }),
      cloudWatchRole: false,
      deployOptions: {
        stageName: WEBHOOK_STAGE,
        throttlingRateLimit: WEBHOOK_RATE_LIMIT,
        throttlingBurstLimit: WEBHOOK_BURST_LIMIT,
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.OFF,
        accessLogDestination: new LogGroupLogDestination(accessLogs.logGroup),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    // The endpoint reaches this account's APIs only; naming the API itself would make the
    // endpoint and the API depend on each other.
    this.endpoint.addToPolicy(
      new PolicyStatement({
        principals: [new AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: [Stack.of(this).formatArn({ service: 'execute-api', resource: '*' })],
      }),
    );

    const validator = new RequestValidator(this, 'RequireHeaders', {
      restApi: this.api,
      requestValidatorName: 'require-signature-headers',
      validateRequestParameters: true,
      // No body model: the function parses and verifies the raw bytes it was signed over.
      validateRequestBody: true,
    });
    const integration = new LambdaIntegration(props.handler);
    const signed = {
      requestValidator: validator,
      requestParameters: { 'method.request.header.X-Signature': true },
    };
    this.api.root.addMethod('POST', integration, signed);
    this.api.root.addResource('flux').addMethod('POST', integration, signed);
    this.api.root.addResource('alertmanager').addMethod('POST', integration, {
      requestValidator: validator,
      requestParameters: { 'method.request.header.Authorization': true },
    });

    const { region, urlSuffix } = Stack.of(this);
    const base = `https://${this.api.restApiId}-${endpointId}.execute-api.${region}.${urlSuffix}/${WEBHOOK_STAGE}`;
    this.fluxUrl = `${base}/flux`;
    this.alertmanagerUrl = `${base}/alertmanager`;
    if (props.publicUrl) {
      const url = props.handler.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
      this.publicFluxUrl = url.url;
    }

    acknowledge(
      this.api,
      ['AwsSolutions-APIG3'],
      'The API is PRIVATE: its resource policy denies every request that does not come through the VPC endpoint, which only the cluster VPC reaches; WAF adds nothing there.',
    );
    acknowledge(
      this.api,
      ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
      'Callers are Flux (HMAC over the raw body, X-Signature) and Alertmanager (bearer token), which the function verifies against Secrets Manager before anything is queued; neither can sign IAM or Cognito requests.',
    );
    acknowledge(
      this.api,
      ['AwsSolutions-APIG6'],
      'Execution logging needs an account-wide API Gateway CloudWatch role, which this stack does not own; every request is in the stage access log and the function logs each outcome.',
    );
    acknowledge(
      this.endpoint,
      ['AwsSolutions-EC23'],
      'The endpoint accepts HTTPS from the cluster VPC CIDR only (intrinsic CIDR, not the internet).',
    );
  }
}
