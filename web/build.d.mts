/** Types of web/build.mjs (plain JavaScript, so that `npm start` imports it without tsx). */
export declare const WEB_DIST: string;
export declare const LOCAL_CONFIG: { apiUrl: string; signIn: { kind: 'local' } };
export declare function buildWeb(options?: { outdir?: string; minify?: boolean; config?: boolean }): Promise<Record<string, number>>;
