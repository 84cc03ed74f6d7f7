export * from './envelope';
export * from './catalogue';
export { catalogueJsonSchema } from './json-schema';
