import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setUserDirectory, type UserDirectory } from '../../services/access/directory';

/**
 * The local stand-in for Cognito's user directory: each user's grants as the access service last
 * set them, kept in `<dataDir>/users.json` (in memory without a data dir), read by the local token
 * issuer so that a local token carries what the access service granted, as a Cognito token would.
 * Unlike Cognito, every user exists here: a grant to a new user id creates the entry.
 */
export const USERS_FILE = 'users.json';

type Users = Record<string, string[]>;

function read(dataDir: string): Users {
  const file = join(dataDir, USERS_FILE);
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as Users;
}

/** The grants the local directory holds for a user, or undefined when it has none on record. */
export function localGrantsOf(dataDir: string, userId: string): string[] | undefined {
  return read(dataDir)[userId];
}

/** The directory the local runtime installs with `setUserDirectory` (services/access/directory.ts). */
export function localUserDirectory(dataDir?: string): UserDirectory & { grantsOf(userId: string): string[] | undefined } {
  const memory: Users = {};
  return {
    async setGrants(userId, grants) {
      const list = grants.split(' ').filter(Boolean);
      if (!dataDir) {
        memory[userId] = list;
        return 'updated';
      }
      mkdirSync(dataDir, { recursive: true });
      const users = { ...read(dataDir), [userId]: list };
      // Written whole, then renamed: a reader (the token CLI) never sees half a file.
      const file = join(dataDir, USERS_FILE);
      writeFileSync(`${file}.tmp`, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
      return 'updated';
    },
    grantsOf: (userId) => (dataDir ? localGrantsOf(dataDir, userId) : memory[userId]),
  };
}

/**
 * For the local runtime: install the local directory as the access service's, and return it (its
 * `grantsOf` serves `/_local/token` when no grants are given). `close()` should call
 * `setUserDirectory(undefined)`.
 */
export function installLocalUserDirectory(dataDir?: string): ReturnType<typeof localUserDirectory> {
  const directory = localUserDirectory(dataDir);
  setUserDirectory(directory);
  return directory;
}
