import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { services } from '../../services/index';
import { webOriginsFrom } from './sign-in';
import { GongzhiStack } from './stack';

const list = (value: unknown): string[] =>
  String(value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * `npx cdk deploy -c stage=prod -c webOrigins=https://gongzhi.example.gov.cn [-c alarmEmails=ops@x,duty@y]
 *  [-c signInDomain=prefix] [-c oidcIssuer=https://… -c oidcAudience=a,b]` (docs/deploy.md).
 */
export function buildApp(context: Record<string, unknown> = {}, options: { cfnValidation?: boolean } = {}): { app: App; stack: GongzhiStack } {
  // CDK validates the template against CloudFormation's schemas at synth; tests that only read the template may skip it.
  const app = new App({ context, builtinCloudFormationValidation: options.cfnValidation ?? true });
  const stage = String(app.node.tryGetContext('stage') ?? 'dev');
  const issuer = app.node.tryGetContext('oidcIssuer') as string | undefined;
  const stack = new GongzhiStack(app, `Gongzhi-${stage}`, {
    stage,
    services,
    root: process.cwd(),
    oidc: issuer ? { issuer, audience: list(app.node.tryGetContext('oidcAudience')) } : undefined,
    webOrigins: webOriginsFrom(app.node.tryGetContext('webOrigins'), stage),
    signInDomain: app.node.tryGetContext('signInDomain') as string | undefined,
    alarmEmails: list(app.node.tryGetContext('alarmEmails')),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
