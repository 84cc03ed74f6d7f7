/** The registry's store, split by what it keeps (the table layout is in ./keys.ts). */
export { table } from './keys';
export * from './areas';
export * from './compounds';
export * from './rolls';
export * from './grid';
export * from './imports';
