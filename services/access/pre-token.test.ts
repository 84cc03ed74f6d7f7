import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { authorize, Principal } from '../../libs/auth';
import { handler } from './pre-token';

/** A V2_0 pre-token-generation event as Cognito sends it (managed-login sign-in of an email user). */
const cognitoEvent = (attributes: Record<string, string>, triggerSource: PreTokenGenerationV2TriggerEvent['triggerSource'] = 'TokenGeneration_HostedAuth'): PreTokenGenerationV2TriggerEvent =>
  ({
    version: '2',
    triggerSource,
    region: 'cn-north-1',
    userPoolId: 'cn-north-1_AbCdEfGhI',
    userName: '4b6c1d6e-8a1f-4a3e-9d4c-2f6b7e9a1c3d',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '5r2a8i0kq3cp1f7m0a9t6n4b2d' },
    request: {
      userAttributes: {
        sub: '4b6c1d6e-8a1f-4a3e-9d4c-2f6b7e9a1c3d',
        'cognito:user_status': 'CONFIRMED',
        email_verified: 'true',
        email: 'wang@street-s1.example.gov.cn',
        ...attributes,
      },
      groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: undefined },
      scopes: ['openid', 'email'],
    },
    response: { claimsAndScopeOverrideDetails: {} },
  }) as PreTokenGenerationV2TriggerEvent;

const accessClaims = (event: PreTokenGenerationV2TriggerEvent) => event.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride ?? {};

describe('pre-token-generation trigger', () => {
  test('copies the grants attribute into the access token, and only there', async () => {
    const out = await handler(cognitoEvent({ 'custom:grants': 'street:S1 committee:C1' }));
    expect(accessClaims(out)).toEqual({ 'custom:grants': 'street:S1 committee:C1' });
    // The ID token carries the attribute itself; the trigger leaves it alone.
    expect(out.response.claimsAndScopeOverrideDetails.idTokenGeneration).toBeUndefined();
  });

  test('the access token then authorizes as the grants say (claims as the JWT authorizer passes them)', async () => {
    const out = await handler(cognitoEvent({ 'custom:grants': 'committee:C1' }));
    const claims = { sub: out.request.userAttributes.sub, token_use: 'access', client_id: out.callerContext.clientId, ...accessClaims(out) };
    const principal = authorize(claims, ['committee'], { compoundId: 'C1', communityId: 'K1', streetId: 'S1', districtId: 'D1' });
    expect(principal?.grants).toEqual([{ role: 'committee', scope: 'C1' }]);
  });

  test('drops malformed grants, never widens them', async () => {
    const out = await handler(cognitoEvent({ 'custom:grants': 'mayor:C1 committee:C1 bureau:x' }));
    expect(accessClaims(out)).toEqual({ 'custom:grants': 'committee:C1' });
  });

  test.each([
    ['no attribute', {}],
    ['an empty attribute', { 'custom:grants': '' }],
    ['only garbage', { 'custom:grants': 'nothing here' }],
  ])('with %s it adds no claim', async (_, attributes) => {
    const out = await handler(cognitoEvent(attributes));
    expect(accessClaims(out)).toEqual({});
    expect(Principal.fromClaims({ sub: 'u', token_use: 'access', ...accessClaims(out) })?.grants).toEqual([]);
  });

  test('runs the same on a refresh, so a revoked grant leaves the next access token', async () => {
    const out = await handler(cognitoEvent({ 'custom:grants': 'owner:C1:O7' }, 'TokenGeneration_RefreshTokens'));
    expect(accessClaims(out)).toEqual({ 'custom:grants': 'owner:C1:O7' });
  });
});
