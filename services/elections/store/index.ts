/** The elections store, one module per aggregate (keys.ts documents the table). */
export * as ballots from './ballots';
export * as candidates from './candidates';
export * as committee from './committee';
export * as keys from './keys';
export * as negativeList from './negative-list';
export * as pool from './pool';
export * as registry from './registry';
export * as summaries from './summaries';
export * as votes from './votes';
