import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { services } from '../../services/index';
import { GongzhiStack } from './stack';

/** `npx cdk synth` / `npx cdk deploy -c stage=prod [-c oidcIssuer=... -c oidcAudience=a,b]`. */
export function buildApp(context: Record<string, unknown> = {}): { app: App; stack: GongzhiStack } {
  const app = new App({ context });
  const stage = String(app.node.tryGetContext('stage') ?? 'dev');
  const issuer = app.node.tryGetContext('oidcIssuer') as string | undefined;
  const audience = app.node.tryGetContext('oidcAudience') as string | undefined;
  const stack = new GongzhiStack(app, `Gongzhi-${stage}`, {
    stage,
    services,
    root: process.cwd(),
    oidc: issuer ? { issuer, audience: (audience ?? '').split(',').filter(Boolean) } : undefined,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
