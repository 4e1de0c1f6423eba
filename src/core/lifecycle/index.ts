/** Lifecycle helpers with no `vscode`: disposal that collects errors, an open that is retried after a failure. */
export { type DisposableLike, disposeAll } from './disposeAll';
export { RetryingOpen, type RetryingOpenOptions } from './retryingOpen';
