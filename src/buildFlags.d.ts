/** True in development and test builds, false in the production bundles (esbuild `define`, see esbuild.js). */
declare const __TEST__: boolean;
