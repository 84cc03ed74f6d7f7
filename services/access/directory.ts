import { ruleBroken } from '../../libs/errors';
import { logger } from '../../libs/logger';
import { MAX_GRANTS_TEXT } from './domain/authority';

/**
 * Where sign-in reads a user's grants from: deployed, the Cognito user pool's `custom:grants`
 * attribute (the ID token carries it, the pre-token trigger copies it into the access token);
 * locally, the local user directory that the local token issuer reads (infra/local/users.ts). The
 * access table is the record; the directory holds a copy of each user's active grants.
 */
export interface UserDirectory {
  /** Replace the user's grants (space-separated `role:scope` texts). `no-such-user` when the directory does not know the user. */
  setGrants(userId: string, grants: string): Promise<'updated' | 'no-such-user'>;
}

let directory: UserDirectory | undefined;

/** The local runtime installs its directory here (infra/local/users.ts `localUserDirectory`); deployed, Cognito. */
export function setUserDirectory(next: UserDirectory | undefined): void {
  directory = next;
}

export function userDirectory(): UserDirectory {
  directory ??= process.env.USER_POOL_ID ? cognitoDirectory(process.env.USER_POOL_ID) : recordsOnly();
  return directory;
}

/** The user pool's `custom:grants` attribute, set with AdminUpdateUserAttributes (the function's only Cognito permission). */
export function cognitoDirectory(userPoolId: string): UserDirectory {
  // Loaded on first use: the SDK is only needed when grants change.
  const sdk = import('@aws-sdk/client-cognito-identity-provider');
  let client: import('@aws-sdk/client-cognito-identity-provider').CognitoIdentityProviderClient | undefined;
  return {
    async setGrants(userId, grants) {
      if (grants.length > MAX_GRANTS_TEXT) throw ruleBroken(`a user's grants may take at most ${MAX_GRANTS_TEXT} characters`);
      const { CognitoIdentityProviderClient, AdminUpdateUserAttributesCommand } = await sdk;
      client ??= new CognitoIdentityProviderClient({});
      try {
        // The user's `sub` is a valid Username in a pool that signs in by email.
        await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: userPoolId, Username: userId, UserAttributes: [{ Name: 'custom:grants', Value: grants }] }));
        return 'updated';
      } catch (error) {
        if ((error as { name?: string }).name === 'UserNotFoundException') return 'no-such-user';
        throw error;
      }
    },
  };
}

/** An external issuer keeps its own users: grants are recorded here and read by whoever issues its tokens. */
function recordsOnly(): UserDirectory {
  return {
    async setGrants(userId) {
      logger('access').info('no user directory to update (external issuer); the grant is recorded only', { userId });
      return 'updated';
    },
  };
}
