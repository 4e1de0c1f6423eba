/** Grouping the requests of agent work into tasks and rounds; which assistant sent them. */
export { type ClientHeaders, type ClientIdentity, KNOWN_CLIENTS, UNKNOWN_CLIENT, clientLabel, identifyClient } from './clientName';
export { messageFingerprints } from './messageFingerprints';
export { taskStatusText, taskStatusTooltip } from './taskStatus';
export { MAX_OPEN_TASKS, TASK_IDLE_MS, type TaskAssignment, type TaskRequest, type TaskSnapshot, TaskTracker, type TaskTrackerOptions } from './taskTracker';
