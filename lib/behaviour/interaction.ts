import { ModelResource } from './assembly-model';

/** Who makes a request: an AWS service principal, or an IAM role of the templates. */
export interface InteractionPrincipal {
  /** Readable name for reports (`cloudwatch.amazonaws.com`, `Workers/Consumer/Role`). */
  readonly label: string;
  /** The principal string the request carries: a role ARN or a service principal name. */
  readonly principal: string;
  /** The role, when the principal is one of ours (its identity policies apply). */
  readonly role?: ModelResource;
  /** The account the principal belongs to (for same-account evaluation). */
  readonly account: string;
  /**
   * The principal's identity permissions live outside our templates (an AWS-owned account, a role created by
   * a Serverless Application Repository application): they are taken as granting the actions, and only our
   * resource policies are evaluated. Says whose permissions those are; shown in every report.
   */
  readonly externalGrant?: string;
}

/** What a request is made on. */
export interface InteractionResource {
  readonly label: string;
  /** The ARN in the request. */
  readonly arn: string;
  /** The resource whose resource policy applies (bucket, topic, queue, key, secret, role trust, vault...). */
  readonly owner?: ModelResource;
  /** The account that owns the resource. */
  readonly account: string;
}

/**
 * How the answer is established:
 * - `policy`: identity, resource, endpoint and trust policies evaluated as AWS evaluates them;
 * - `object-lock`: S3 Object Lock semantics (COMPLIANCE mode refuses any principal, root included).
 */
export type InteractionMethod = 'policy' | 'object-lock';

/** One request the design relies on (expect `allow`) or must refuse (expect `deny`). */
export interface Interaction {
  /** Stable id (`alarms-publish-alerts`, `tenant-acme-reads-own-prefix`). */
  readonly id: string;
  readonly title: string;
  readonly principal: InteractionPrincipal;
  readonly actions: string[];
  readonly resource: InteractionResource;
  /**
   * The request goes through an S3 access point: the access point policy and the bucket policy both apply
   * (the request's `resource` is the access point object ARN; `bucketObjectArn` the object it lands on).
   */
  readonly accessPoint?: { readonly accessPoint: ModelResource; readonly bucket: ModelResource; readonly bucketObjectArn: string };
  /** A VPC endpoint the request passes through (its policy applies): the S3 gateway endpoint for VPC functions. */
  readonly endpoint?: ModelResource;
  /** The request context AWS sends with it (keys absent here are absent from the request). */
  readonly context: Record<string, string | string[]>;
  readonly expect: 'allow' | 'deny';
  readonly method: InteractionMethod;
  /** Evidence controls that rely on this interaction. */
  readonly controls: string[];
  /** Why the AWS documentation says this is the request (cited in reports and docs). */
  readonly basis?: string;
  /**
   * Set when the catalogue could not find a principal or resource in the templates: the interaction cannot be
   * evaluated and is reported as failed (never as passed).
   */
  readonly missing?: string;
  /**
   * Set when part of the interaction cannot be proven from the templates (for example a role created by a
   * Serverless Application Repository application): what is evaluated is still evaluated; this says what is not.
   */
  readonly notProvable?: string;
}

/** A network destination a VPC function needs (or must not reach). */
export type Destination =
  | { readonly kind: 's3'; readonly label: string; readonly bucketArn: string; readonly action: string }
  | { readonly kind: 'interface-endpoint'; readonly label: string; readonly service: string }
  | { readonly kind: 'port'; readonly label: string; readonly target: ModelResource; readonly port: number }
  | { readonly kind: 'internet'; readonly label: string };

/** A network path a function in the VPC needs (expect `reachable`) or must not have. */
export interface Reachability {
  readonly id: string;
  readonly title: string;
  /** The function (or SAR application) whose subnets and security groups are the source. */
  readonly source: ModelResource;
  readonly destination: Destination;
  readonly expect: 'reachable' | 'unreachable';
  readonly controls: string[];
  readonly missing?: string;
}
