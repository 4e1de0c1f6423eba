/** A run of log lines or stack frames inside a text. Offsets are UTF-16, end exclusive. */
export interface LogBlock {
  readonly start: number;
  readonly end: number;
  readonly lines: readonly string[];
  /** Index in `lines` of the first line that reports an error, or -1. */
  readonly firstErrorLine: number;
}

const STACK_FRAME = [
  /^\s+at\s+\S/, // JavaScript, Java, C#
  /^\s*File "[^"]+", line \d+/, // Python
  /^\s*#\d+\s+(0x[0-9a-f]+\s+in\s+)?\S/i, // gdb, PHP
  /^\s*\d+:\s+(0x[0-9a-f]+\s+-\s+)?[\w:<>]+/, // Rust backtrace
  /^\s+\S+\.(go|rs|c|cc|cpp|ts|js|py|rb|kt|java|cs|swift):\d+/, // file:line frames (Go, ...)
  /^\s*\.\.\. \d+ more$/, // Java "... 12 more"
  /^goroutine \d+ \[/, // Go
];

const LOG_LINE = [
  /^\s*\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/, // ISO-ish timestamp
  /^\s*\[?\d{2}:\d{2}:\d{2}/, // time of day
  /^\s*\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|SEVERE)\b/, // level first
  /^\s*[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}/, // syslog
];

const ERROR_LINE = /(error|exception)\b|\b(panic(ked)?|fatal|traceback|failed|failure|segmentation fault)\b/i;

/** How many non-log lines may interrupt a block (wrapped messages, blank lines) before it ends. */
const MAX_GAP = 2;

function isLogish(line: string): boolean {
  return STACK_FRAME.some((pattern) => pattern.test(line)) || LOG_LINE.some((pattern) => pattern.test(line)) || /^Traceback \(most recent call last\)/.test(line);
}

/** Finds pasted logs and stack traces: runs of at least `minLines` log-like lines. */
export function findLogBlocks(text: string, minLines: number): LogBlock[] {
  const blocks: LogBlock[] = [];
  const lineStarts: number[] = [];
  const lines = text.split('\n');
  let offset = 0;
  for (const line of lines) {
    lineStarts.push(offset);
    offset += line.length + 1;
  }
  let first = -1;
  let last = -1;
  let logish = 0;
  let gap = 0;
  const close = () => {
    if (first >= 0 && logish >= minLines) {
      // A header line that names the error ("TypeError: x is undefined") belongs to the block.
      if (first > 0 && ERROR_LINE.test(lines[first - 1]) && lines[first - 1].trim() !== '') {
        first -= 1;
      }
      const blockLines = lines.slice(first, last + 1);
      blocks.push({
        start: lineStarts[first],
        end: lineStarts[last] + lines[last].length,
        lines: blockLines,
        firstErrorLine: blockLines.findIndex((line) => ERROR_LINE.test(line)),
      });
    }
    first = -1;
    last = -1;
    logish = 0;
    gap = 0;
  };
  lines.forEach((line, index) => {
    if (isLogish(line)) {
      if (first < 0) {
        first = index;
      }
      last = index;
      logish += 1;
      gap = 0;
    } else if (first >= 0) {
      gap += 1;
      if (gap > MAX_GAP) {
        close();
      }
    }
  });
  close();
  return blocks;
}

/** What is worth keeping of a log: the first error (and the line after it) and the last frames. */
export function condenseLog(block: LogBlock, keepLast: number): string {
  const kept = new Set<number>();
  if (block.firstErrorLine >= 0) {
    kept.add(block.firstErrorLine);
    if (block.firstErrorLine + 1 < block.lines.length) {
      kept.add(block.firstErrorLine + 1);
    }
  } else {
    kept.add(0);
  }
  for (let index = Math.max(0, block.lines.length - keepLast); index < block.lines.length; index += 1) {
    kept.add(index);
  }
  return [...kept].sort((a, b) => a - b).map((index) => block.lines[index]).join('\n');
}
