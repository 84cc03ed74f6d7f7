import { App } from 'aws-cdk-lib';
import { buildApp } from '../infra/cdk/app';
import { pascal } from '../infra/cdk/functions';
import { CALLBACK_PATH, DEV_WEB_ORIGIN, webOriginsFrom } from '../infra/cdk/sign-in';
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, GongzhiStack } from '../infra/cdk/stack';
import { mergedResources, mergedTemplate } from '../infra/cdk/templates';
import { TABLE_INDEXES } from '../libs/table';
import { functionsOf, INDEX_NAMES, type FunctionDecl, type TableAccess } from '../libs/topology';
import { services } from '../services/index';

/** Least privilege and sign-in, read from the synthesized templates (the platform stack and every service stack, as one). */
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const ORIGINS = 'https://gongzhi.example.gov.cn,https://admin.gongzhi.example.gov.cn';

type Resource = { Type: string; Properties: Record<string, any> };
const synth = (context: Record<string, unknown>) => {
  const { stack } = buildApp({ stage: 'dev', ...NO_BUNDLING, ...context }, { cfnValidation: false });
  return mergedResources(stack) as Record<string, Resource>;
};
const resources = synth({ webOrigins: ORIGINS });
const ofType = (type: string, within = resources) => Object.entries(within).filter(([, r]) => r.Type === type);
const declared = services.flatMap(functionsOf);

/** The statements of a function's own role. */
function statementsOf(fn: FunctionDecl, within = resources): any[] {
  const role = new RegExp(`^${pascal(fn.name)}Role[0-9A-F]{8}$`);
  return ofType('AWS::IAM::Policy', within)
    .filter(([, p]) => p.Properties.Roles.some((r: any) => role.test(r.Ref)))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}
const actions = (s: any): string[] => [s.Action].flat();
const dynamo = (fn: FunctionDecl) => statementsOf(fn).filter((s) => actions(s).some((a) => a.startsWith('dynamodb:')));
const text = (value: unknown) => JSON.stringify(value);

const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const expectedActions: Record<TableAccess['level'], string[]> = {
  none: [],
  read: READ,
  'append-only': [...READ, 'dynamodb:PutItem'],
  'read-write': [...READ, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
};

describe('least privilege', () => {
  test('the topology names the indexes the tables have', () => {
    expect([...INDEX_NAMES]).toEqual(TABLE_INDEXES.map((i) => i.name));
  });

  test('each function gets exactly its declared DynamoDB actions on its own table, and Query on its declared indexes only', () => {
    for (const fn of declared) {
      const statements = dynamo(fn);
      if (!fn.table) {
        expect(statements).toEqual([]);
        continue;
      }
      const ownTable = `${pascal(fn.service.name)}Table`;
      const onTable = statements.filter((s) => !s.Condition && s.Resource['Fn::GetAtt']);
      expect(onTable).toHaveLength(1);
      expect(onTable[0].Resource['Fn::GetAtt'][0]).toMatch(new RegExp(`^${ownTable}[0-9A-F]{8}$`));
      expect(actions(onTable[0]).sort()).toEqual(expectedActions[fn.table.level].sort());
      const onIndexes = statements.filter((s) => [s.Resource].flat().some((r: any) => r['Fn::Join']));
      const indexes = onIndexes.flatMap((s) => [s.Resource].flat().map((r: any) => r['Fn::Join'][1][1] as string));
      expect(indexes.sort()).toEqual((fn.table.indexes ?? []).map((i) => `/index/${i}`).sort());
      for (const s of onIndexes) expect(actions(s)).toEqual(['dynamodb:Query']);
    }
  });

  test('no function may scan, read a stream, describe a table or use a wildcard action or index', () => {
    const all = text(ofType('AWS::IAM::Policy').map(([, p]) => p.Properties.PolicyDocument));
    for (const forbidden of [
      'dynamodb:Scan',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:DescribeStream',
      'dynamodb:ListStreams',
      'dynamodb:DescribeTable',
      'dynamodb:*',
      '/index/*',
    ]) {
      expect(all).not.toContain(forbidden);
    }
  });

  test('the audit trail is append-only: the recorder puts and reads, updates only compound locations; the API only reads', () => {
    const recorder = declared.find((f) => f.name === 'audit-recorder')!;
    const statements = dynamo(recorder);
    const all = statements.flatMap(actions);
    expect(all).not.toContain('dynamodb:DeleteItem');
    expect(all).not.toContain('dynamodb:BatchWriteItem');
    const updates = statements.filter((s) => actions(s).includes('dynamodb:UpdateItem'));
    expect(updates).toEqual([expect.objectContaining({ Action: 'dynamodb:UpdateItem', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['COMPOUND#*'] } } })]);
    expect(all.filter((a) => a !== 'dynamodb:UpdateItem').sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);

    const api = declared.find((f) => f.name === 'audit-api')!;
    expect([...new Set(dynamo(api).flatMap(actions))].sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
  });

  test('only functions of publishing services may put events, under their own source; triggers never', () => {
    for (const fn of declared) {
      const put = statementsOf(fn).filter((s) => actions(s).includes('events:PutEvents'));
      if (fn.service.publishes.length === 0 || fn.kind === 'trigger') expect(put).toEqual([]);
      else expect(put).toEqual([expect.objectContaining({ Condition: { StringEquals: { 'events:source': [fn.service.source] } } })]);
    }
  });

  test("each schedule's role may invoke exactly its function (no versions or aliases)", () => {
    const schedules = ofType('AWS::Scheduler::Schedule').map(([, s]) => s.Properties);
    expect(schedules.length).toBeGreaterThan(0);
    for (const schedule of schedules) {
      const roleId = schedule.Target.RoleArn['Fn::GetAtt'][0];
      const policy = ofType('AWS::IAM::Policy').find(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))!;
      const invoke = policy[1].Properties.PolicyDocument.Statement.filter((s: any) => actions(s).includes('lambda:InvokeFunction'));
      expect(invoke).toEqual([expect.objectContaining({ Resource: schedule.Target.Arn })]);
    }
  });

  test('the access API alone may update users, and only their attributes, on this pool', () => {
    const pool = ofType('AWS::Cognito::UserPool')[0]![0];
    for (const fn of declared) {
      const cognito = statementsOf(fn).filter((s) => actions(s).some((a) => a.startsWith('cognito-idp:')));
      if (fn.name === 'access-api') expect(cognito).toEqual([expect.objectContaining({ Action: 'cognito-idp:AdminUpdateUserAttributes', Resource: { 'Fn::GetAtt': [pool, 'Arn'] } })]);
      else expect(cognito).toEqual([]);
    }
    const accessApi = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('AccessApi'))![1];
    expect(accessApi.Properties.Environment.Variables.USER_POOL_ID).toEqual({ Ref: pool });
  });
});

describe('sign-in', () => {
  const [poolId, pool] = ofType('AWS::Cognito::UserPool')[0]!;
  const client = ofType('AWS::Cognito::UserPoolClient')[0]![1].Properties;

  test('one public web client: authorization code (PKCE) through managed login, refresh, no implicit flow, no secret', () => {
    expect(client).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: ORIGINS.split(',').map((o) => `${o}${CALLBACK_PATH}`),
      LogoutURLs: ORIGINS.split(',').map((o) => `${o}/`),
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      WriteAttributes: [],
    });
    expect(client.AllowedOAuthScopes.sort()).toEqual(['email', 'openid']);
    expect(ofType('AWS::Cognito::UserPoolDomain')[0]![1].Properties.ManagedLoginVersion).toBe(2);
    expect(ofType('AWS::Cognito::ManagedLoginBranding')).toHaveLength(1);
  });

  test("the authorizer trusts the pool's own provider URL (right in every partition) and the web client as audience", () => {
    const authorizer = ofType('AWS::ApiGatewayV2::Authorizer')[0]![1].Properties;
    expect(authorizer.JwtConfiguration).toEqual({ Issuer: { 'Fn::GetAtt': [poolId, 'ProviderURL'] }, Audience: [{ Ref: ofType('AWS::Cognito::UserPoolClient')[0]![0] }] });
    expect(text(authorizer)).not.toContain('amazonaws.com');
  });

  test('the pre-token trigger (V2_0) puts grants in access tokens; its role writes its logs and nothing else', () => {
    const trigger = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('AccessPreToken'))!;
    expect(pool.Properties.LambdaConfig.PreTokenGenerationConfig).toEqual({ LambdaArn: { 'Fn::GetAtt': [trigger[0], 'Arn'] }, LambdaVersion: 'V2_0' });
    expect(pool.Properties.UserPoolTier).toBe('PLUS');
    const decl = declared.find((f) => f.name === 'access-pre-token')!;
    expect(statementsOf(decl).flatMap(actions).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(trigger[1].Properties.Timeout).toBe(5);
    expect(trigger[1].Properties.Environment.Variables.TABLE_NAME).toBeUndefined();
    expect(ofType('AWS::Lambda::Permission').some(([, p]) => p.Properties.Principal === 'cognito-idp.amazonaws.com' && p.Properties.FunctionName['Fn::GetAtt']?.[0] === trigger[0])).toBe(true);
  });

  test('CORS for the configured web origins, with the headers the API takes and answers', () => {
    const cors = ofType('AWS::ApiGatewayV2::Api')[0]![1].Properties.CorsConfiguration;
    expect(cors).toMatchObject({ AllowOrigins: ORIGINS.split(','), AllowHeaders: CORS_ALLOW_HEADERS, ExposeHeaders: CORS_EXPOSE_HEADERS });
    expect(cors.AllowMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE']));
    expect(CORS_ALLOW_HEADERS).toEqual(['authorization', 'content-type', 'idempotency-key']);
    expect(CORS_EXPOSE_HEADERS).toEqual(['x-request-id', 'idempotent-replayed', 'location', 'retry-after']);
  });

  test('an external issuer: no pool, no trigger, no directory permission', () => {
    const stack = new GongzhiStack(new App({ context: NO_BUNDLING, builtinCloudFormationValidation: false }), 'External', {
      stage: 'dev',
      services,
      root: process.cwd(),
      oidc: { issuer: 'https://id.example.gov.cn', audience: ['gongzhi-web'] },
    });
    const external = mergedResources(stack) as Record<string, Resource>;
    expect(ofType('AWS::Cognito::UserPool', external)).toEqual([]);
    expect(ofType('AWS::Lambda::Function', external).some(([id]) => id.startsWith('AccessPreToken'))).toBe(false);
    expect(text(ofType('AWS::IAM::Policy', external))).not.toContain('cognito-idp:');
    const accessApi = ofType('AWS::Lambda::Function', external).find(([id]) => id.startsWith('AccessApi'))![1];
    expect(accessApi.Properties.Environment.Variables.USER_POOL_ID).toBeUndefined();
  });

  describe('web origins from the context', () => {
    test('prod needs them; other stages default to the local dev server', () => {
      expect(() => webOriginsFrom(undefined, 'prod')).toThrow(/prod needs -c webOrigins/);
      expect(webOriginsFrom(undefined, 'dev')).toEqual([DEV_WEB_ORIGIN]);
      expect(webOriginsFrom(' https://a.example.cn , https://b.example.cn ', 'prod')).toEqual(['https://a.example.cn', 'https://b.example.cn']);
    });

    test.each([
      ['http://a.example.cn', /must be https/],
      ['https://a.example.cn/app', /origin only/],
      ['https://a.example.cn/', /origin only/],
      ['not a url', /is not a URL/],
    ])('%s is refused', (origin, reason) => expect(() => webOriginsFrom(origin, 'dev')).toThrow(reason));

    test('http is allowed for localhost only', () => expect(webOriginsFrom('http://localhost:3001,http://127.0.0.1:8080', 'dev')).toHaveLength(2));

    test('a stack built without them (tests, dev) still gets a client with the dev origin', () => {
      const stack = new GongzhiStack(new App({ context: NO_BUNDLING, builtinCloudFormationValidation: false }), 'NoOrigins', {
        stage: 'dev',
        services: services.filter((s) => s.name === 'meta'),
        root: process.cwd(),
      });
      mergedTemplate(stack).hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: [`${DEV_WEB_ORIGIN}${CALLBACK_PATH}`] });
    });
  });
});
