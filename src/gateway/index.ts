/** The local metering gateway: hosted by the CLI (`credit-meter gateway`) and by the extension. */
export { hostAllowed, newGatewayToken, tokenMatches } from './auth';
export { errorBody, type Dialect } from './errors';
export { Gateway } from './gatewayServer';
export { MAX_BODY_BYTES, withIncludeUsage } from './requestBody';
export { gatewayProvidersFrom, resolveRoute, type Route } from './routes';
export type { GatewayBudget, GatewayHost, GatewayLog, GatewayOptions, GatewayProvider } from './types';
