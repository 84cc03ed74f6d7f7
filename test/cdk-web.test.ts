import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks } from 'cdk-nag';
import { WebSite } from '../infra/cdk/web';

/** The web application's site on its own (infra/cdk/web.ts): S3 behind CloudFront, config.json pointing at the API and the sign-in. */
function synth(withPool: boolean) {
  const app = new App();
  const stack = new Stack(app, 'Site');
  let userPool: cognito.UserPool | undefined;
  if (withPool) {
    userPool = new cognito.UserPool(stack, 'Users');
    userPool.addDomain('SignInDomain', { cognitoDomain: { domainPrefix: 'gongzhi-test' } });
    userPool.addClient('WebClient', { generateSecret: false });
  }
  new WebSite(stack, 'Web', {
    root: process.cwd(),
    stage: 'prod',
    apiUrl: 'https://api.example.gov.cn',
    userPool,
    oidc: withPool ? undefined : { issuer: 'https://id.example.gov.cn', clientId: 'gongzhi-web' },
  });
  // The check runs at synthesis and throws on any unacknowledged finding (of the site: the bare test pool has its own).
  if (!withPool) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const out = app.synth().directory;
  const assets = readdirSync(out).filter((d) => d.startsWith('asset.') && statSync(join(out, d)).isDirectory());
  const configDir = assets.find((d) => readdirSync(join(out, d)).includes('config.json'))!;
  const built = assets.find((d) => readdirSync(join(out, d)).includes('app.js'))!;
  return {
    template: Template.fromJSON(JSON.parse(readFileSync(join(out, 'Site.template.json'), 'utf8'))),
    // Deploy-time values (the pool's domain, the client id) stand as markers in the file.
    config: JSON.parse(readFileSync(join(out, configDir, 'config.json'), 'utf8')),
    files: readdirSync(join(out, built)).sort(),
  };
}

describe('with an external OIDC issuer', () => {
  let site: ReturnType<typeof synth>;
  beforeAll(() => {
    site = synth(false);
  }, 120_000);

  test('a private bucket read by CloudFront through origin access control, HTTPS only, the page for unknown paths, no nag finding', () => {
    site.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: Match.anyValue(),
    });
    site.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    site.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        CustomErrorResponses: [
          Match.objectLike({ ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html' }),
          Match.objectLike({ ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html' }),
        ],
      }),
    });
  });

  test('the asset is web/ built by esbuild at synth; config.json names the API and the issuer (the page discovers its endpoints)', () => {
    expect(site.files).toEqual(['app.js', 'index.html', 'style.css']);
    expect(site.config).toEqual({ apiUrl: 'https://api.example.gov.cn', signIn: { kind: 'oidc', issuer: 'https://id.example.gov.cn', clientId: 'gongzhi-web', scope: 'openid email' } });
  });
});

test('with the Cognito pool, config.json names its managed login endpoints and web client', () => {
  const { config } = synth(true);
  expect(config.signIn).toMatchObject({ kind: 'oidc', clientId: expect.stringMatching(/marker/) });
  expect(config.signIn.authorizeUrl).toMatch(/^https:\/\/.*marker.*\/oauth2\/authorize$/);
  expect(config.signIn.tokenUrl).toMatch(/\/oauth2\/token$/);
}, 120_000);
