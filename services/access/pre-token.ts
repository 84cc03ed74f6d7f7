import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { formatGrant, parseGrants } from '../../libs/auth';
import { grantsClaim } from '../../libs/config';

/**
 * Cognito's pre-token-generation trigger (V2_0 event, user pools on the Essentials or Plus plan):
 * copies the user's grants (the `custom:grants` attribute, kept by the access service) into the
 * access token under the grants claim, so the access token, which is what clients send to the API,
 * carries them as the ID token does. Runs at every sign-in and every refresh: a revoked grant leaves
 * the tokens at the next refresh. Malformed grants are dropped, never widened.
 */
export const handler = async (event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> => {
  const grants = parseGrants(event.request.userAttributes['custom:grants']).map(formatGrant).join(' ');
  event.response = {
    claimsAndScopeOverrideDetails: grants ? { accessTokenGeneration: { claimsToAddOrOverride: { [grantsClaim()]: grants } } } : {},
  };
  return event;
};
