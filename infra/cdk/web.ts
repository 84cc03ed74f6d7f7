import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CfnOutput, DockerImage, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export interface WebSiteProps {
  /** Repo root: web/ is built from there (web/build.mjs) when the app synthesizes. */
  root: string;
  /** The HTTP API's endpoint, written into the site's config.json at deploy time. */
  apiUrl: string;
  /** The Cognito pool whose managed login signs users in (sign-in.ts); without it (an external OIDC issuer), give `oidc`. */
  userPool?: cognito.UserPool;
  /** An external OIDC issuer and the web client id, when there is no user pool: the page discovers its endpoints. */
  oidc?: { issuer: string; clientId: string };
  stage: string;
}

/**
 * The web application (web/) on S3 behind CloudFront: a private bucket read only by the distribution
 * (origin access control), HTTPS only, security headers, every unknown path answered with
 * index.html (the sign-in callback /auth/callback is such a path), and a config.json that tells the
 * page where the API and the sign-in are. The page calls the API across origins: the API's CORS
 * allows the origins given as `-c webOrigins=` (sign-in.ts), which should name this site's domain.
 */
export class WebSite extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id);
    const prod = props.stage === 'prod';
    const logs = new s3.Bucket(this, 'Logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with an ACL.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(prod ? 365 : 30) }],
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(logs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This bucket holds the site’s access logs; it does not log itself.' });
    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site/',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: "default-src 'self'; connect-src 'self' https:; img-src 'self' data: blob: https:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
      },
      defaultRootObject: 'index.html',
      // The page routes by #hash; the one real path it is sent to is the sign-in callback.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.minutes(5) })),
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cdn/',
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
    });
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'Owners travel and live abroad; the site holds no data, the API checks every caller.' },
      { id: 'AwsSolutions-CFR2', reason: 'Static files only; the API behind it has its own throttling. A city adds WAF with its custom domain.' },
      { id: 'AwsSolutions-CFR4', reason: 'The default *.cloudfront.net certificate cannot pin TLS 1.2; a city deploys with its own domain and certificate.' },
    );

    const config = { apiUrl: props.apiUrl, signIn: this.signInConfig(props) };
    new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [
        s3deploy.Source.asset(join(props.root, 'web'), {
          exclude: ['dist', 'dist/**'],
          bundling: {
            // esbuild runs on the machine that synthesizes (it is a dev dependency): no Docker.
            local: {
              tryBundle(outputDir) {
                execFileSync(process.execPath, [join(props.root, 'web', 'build.mjs'), outputDir, '--no-config'], { stdio: 'inherit' });
                return true;
              },
            },
            image: DockerImage.fromRegistry('node:20'),
          },
        }),
        s3deploy.Source.jsonData('config.json', config),
      ],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
    });
    this.acknowledgeDeploymentHandler();
    new CfnOutput(this, 'WebUrl', { value: `https://${this.distribution.distributionDomainName}` });
  }

  /** CDK's own deployment function (a stack-wide singleton): what it needs to copy the files, no more than CDK grants it. */
  private acknowledgeDeploymentHandler(): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) return;
    const site = `<${stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*`;
    const wildcards = [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      `Resource::${site}`,
      'Resource::*',
      'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
    ];
    Validations.of(handler).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK’s BucketDeployment function writes its own logs with the basic execution role.',
      },
      ...wildcards.map((w) => ({
        id: `AwsSolutions::AwsSolutions-IAM5[${w}]`,
        reason:
          'CDK’s BucketDeployment copies the web assets from the CDK asset bucket into the site bucket (prune deletes stale files) and invalidates the distribution (CloudFront takes no resource ARN).',
      })),
      { id: 'AwsSolutions-L1', reason: 'The runtime of CDK’s BucketDeployment function is chosen by aws-cdk-lib; it deploys static files only at deploy time.' },
    );
  }

  private signInConfig(props: WebSiteProps) {
    if (props.oidc) return { kind: 'oidc', issuer: props.oidc.issuer, clientId: props.oidc.clientId, scope: 'openid email' };
    const pool = props.userPool;
    if (!pool) throw new Error('WebSite needs the user pool or an external issuer’s endpoints (oidc)');
    // sign-in.ts makes one managed-login domain and one public web client on the pool.
    const domain = pool.node.children.find((c): c is cognito.UserPoolDomain => c instanceof cognito.UserPoolDomain)!;
    const client = pool.node.children.find((c): c is cognito.UserPoolClient => c instanceof cognito.UserPoolClient)!;
    const base = domain.baseUrl();
    return {
      kind: 'oidc',
      authorizeUrl: `${base}/oauth2/authorize`,
      tokenUrl: `${base}/oauth2/token`,
      clientId: client.userPoolClientId,
      logoutUrl: `${base}/logout?client_id=${client.userPoolClientId}&logout_uri=${encodeURIComponent('https://')}${this.distribution.distributionDomainName}/`,
      scope: 'openid email',
    };
  }
}
