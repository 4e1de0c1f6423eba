/** Compose conversations: the thread file format, the per-workspace store and the follow-up request builder. */
export {
  InvalidThreadFileError,
  NewerThreadFormatError,
  THREAD_FORMAT_VERSION,
  THREAD_MIGRATIONS,
  TURN_STATUSES,
  ThreadCharge,
  ThreadContext,
  ThreadFile,
  type ThreadMigration,
  ThreadTurn,
  type TurnStatus,
  migrateThreadDocument,
  parseThreadFile,
} from './threadFormat';
export { type ThreadStorage, folderThreadStorage, memoryThreadStorage } from './threadStorage';
export {
  type ContextInput,
  type CorruptThreadFile,
  DEFAULT_THREAD_TITLE,
  type NewTurn,
  type Thread,
  type ThreadCost,
  type ThreadOpenReport,
  ThreadStore,
  type ThreadStoreOptions,
  type ThreadSummary,
  type TurnUpdate,
  historyAvailable,
  threadCost,
} from './threadStore';
export {
  type ContextText,
  type NextMessage,
  type ResentHistory,
  type ThreadRequest,
  type ThreadRequestOptions,
  type UserMessageParts,
  buildThreadRequest,
  turnInHistory,
  userBlocks,
} from './threadRequest';
