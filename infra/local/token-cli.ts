// The token CLI is infra/local/token-cli.mjs (plain JavaScript, so `npm run token` needs no
// TypeScript compilation); this keeps `node --import tsx infra/local/token-cli.ts` working.
import './token-cli.mjs';
