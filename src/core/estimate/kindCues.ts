/**
 * The wording that marks each request kind, as groups of synonyms with a weight (the classifier in
 * `requestKind.ts` adds up the weights of the cues a prompt contains). Written from how developers
 * word requests, not from any one prompt: a cue earns its place by being a general marker of its kind.
 *
 * A cue is a sequence of word slots over the prompt's lower-cased words (apostrophes dropped:
 * "doesn't" is `doesnt`; hyphens split: "off-by-one" is `off by one`):
 * - `a|b|c` one of these words;
 * - `#` a number; `§` inline code, a file name or a URL ("rename `x`", "in utils.ts");
 * - `~N` up to N other words may come before the next slot ("make ~4 readonly": "make this field readonly").
 * A cue never spans two sentences. Weights: 5 names the kind outright ("plan", "typo"), 4 is a verb
 * or phrase that almost always means the kind, 3 a strong cue, 2 a symptom or an object, 1 a hint.
 */
import type { RequestKind } from '../requestKind';

export interface CueGroup {
  readonly kind: RequestKind;
  readonly weight: number;
  readonly cues: readonly string[];
  /** Counts only as the instruction: at the start of a sentence or after a comma, past "please", "can you", ... */
  readonly leadOnly?: boolean;
  /**
   * A verb of instruction: "don't", "no", "without" ... just before it cancel it ("I don't want a fix"),
   * and after "to" it names a purpose, not the request, so it counts half ("a script to rename files").
   */
  readonly instruction?: boolean;
  /** A verb whose object decides the kind ("write a plan", "write a tweet"): never the first instruction's bonus. */
  readonly generic?: boolean;
}

/** Things small enough that adding, removing or changing one is an edit. */
const SMALL = 'alias|aliases|parameter|parameters|param|params|argument|arguments|arg|args|flag|flags|option|docstring|docstrings|comment|comments|jsdoc|tsdoc|javadoc|docblock|doc|hint|hints|annotation|annotations|type|types|default|defaults|log|print|console|assertion|assert|check|import|imports|decorator|attribute|attributes|tag|label|title|tooltip|placeholder|semicolon|semicolons|comma|newline|todo|modifier|keyword|export|property|field|fields|column|key|constant|const|variable|var|enum|member|header|getter|setter|timeout|message';

/** Modifiers and casings a declaration can be "made" or "marked". */
const MODIFIER = 'optional|required|private|public|protected|static|readonly|read|const|constant|final|async|sync|synchronous|nullable|abstract|internal|immutable|mutable|volatile|virtual|sealed|exported|deprecated|lowercase|uppercase|lower|upper|camelcase|camel|snake|kebab|pascalcase|pascal|insensitive|sensitive|keyword|positional|snake_case|camel_case|upper_case|lower_case|screaming_snake_case|hidden|visible|disabled|enabled|bold|italic|nonnull|undefined|null';

/** Code-shaped things one writes from nothing. */
const ARTIFACT = 'function|functions|script|component|components|class|module|hook|endpoint|endpoints|api|query|regex|regexp|schema|test|tests|spec|specs|config|configuration|dockerfile|makefile|workflow|pipeline|readme|docs|documentation|changelog|example|examples|snippet|program|app|application|cli|server|client|game|website|page|template|guard|interface|migration|seed|fixture|fixtures|mock|mocks|liner|gitignore|service|library|plugin|extension|bot|parser|generator|wrapper|utility|helper|model|struct|types|tool|form|dashboard|widget|route|routes|controller|worker|job|cron|lambda|yaml|manifest|chart|algorithm';

/** What a feature or a test suite is made of: adding one is new code, not an edit. */
const FEATURE = 'test|tests|spec|specs|coverage|example|examples|endpoint|endpoints|route|routes|page|pages|screen|view|feature|features|component|button|toggle|command|subcommand|menu|dialog|modal|form|integration|support|mode|module|service|handler|middleware|script|workflow|job|migration|cache|caching|validation|auth|authentication|login|logout|signup|search|pagination|filter|filtering|sorting|upload|download|export|import|notification|notifications|webhook|websocket|dashboard|chart|theme|i18n|localization|retry|retries|metrics|monitoring|tracing|healthcheck|health|readme|docs|documentation';

/** Verbs of working software that a "doesn't ..." / "won't ..." turns into a bug report. */
const WORKS = 'work|works|working|load|loads|close|closes|open|opens|start|starts|compile|compiles|build|builds|run|runs|render|renders|show|shows|update|updates|save|saves|trigger|triggers|fire|fires|respond|responds|match|matches|connect|connects|stop|stops|terminate|terminates|end|ends|finish|finishes|return|returns|exit|exits|scroll|submit|submits|display|displays|appear|appears|redirect|redirects|refresh|refreshes|send|sends|receive|fetch|fetches|install|installs|deploy|persist|persists|reload|reloads|click|pass|passes|print|prints|play|download|upload|resolve|resolves|register|import|log|sync|detect|recognize|recognise|validate|parse|parses';

const NEGATED = 'doesnt|dont|wont|cant|cannot|isnt|arent|didnt|never|not|couldnt|wouldnt|wasnt|werent|aint';

export const CUE_GROUPS: readonly CueGroup[] = [
  // ---- fix: something is broken --------------------------------------------------------------
  { kind: 'fix', weight: 4, instruction: true, cues: [
    'fix|fixes|fixing|fixed', 'debug|debugging', 'repair', 'troubleshoot', 'diagnose', 'hotfix|bugfix',
    'make ~4 work|pass|compile|build', 'get ~3 working', 'get ~3 to work|pass|compile|build',
    'find ~3 bug|bugs|leak|leaks|problem|issue|cause|culprit', 'find out why', 'figure out why', 'figure out ~2 wrong',
    'sort out', 'solve ~3 error|errors|issue|problem|bug|crash|warning', 'how ~3 solve|resolve',
  ] },
  { kind: 'fix', weight: 4, leadOnly: true, instruction: true, cues: ['correct', 'resolve'] },
  { kind: 'fix', weight: 3, cues: [
    'whats wrong', 'what is wrong', 'what went wrong', 'something ~2 wrong', 'why ~3 getting|get|seeing|see|throw|throws|raise|raises',
    'get rid of ~3 error|errors|warning|warnings|exception|exceptions|crash', 'handle ~4 properly|correctly|gracefully',
    'segfault|segfaults|segmentation', 'race condition|conditions', 'off by', 'deadlock|deadlocks|deadlocked|deadlocking',
    'supposed to', 'should ~6 but', 'works ~5 but ~1 not|fails|failing|crashes|breaks|doesnt|never|throws|hangs|returns|shows',
    'instead of ~3 expected', 'get|getting|got|seeing|see ~1 this|these|that ~1 error|warning|when|after|on|in|every',
    'get|getting|got|seeing|see ~1 the following',
  ] },
  { kind: 'fix', weight: 2.5, cues: [
    'broken|breaks|broke', 'crash|crashes|crashed|crashing', 'fail|fails|failed|failing|failure|failures',
    `${NEGATED} ~2 ${WORKS}`, 'stopped ~2 working', 'no longer', 'does nothing', 'nothing happens', 'no effect|output|response',
    'hang|hangs|hanging|hung|freeze|freezes|freezing|frozen|stuck', 'infinite ~2 loop|loops|recursion|render|rerender|rerenders',
    'leak|leaks|leaking|leaked', 'memory ~3 grows|growing|keeps|increases', 'flaky|flakes|intermittent|intermittently',
    'incorrect|incorrectly', 'wrong', 'returns|return|returning|returned|gives|giving|prints|shows|outputs|evaluates ~3 none|null|undefined|nan|nil|nothing|empty|zero|false|garbage|wrong',
    'blank|empty|white ~1 page|screen|response|output', 'bug|bugs|buggy', 'regression', 'unhandled|uncaught',
    'cors', 'cannot|cant|couldnt|unable ~2 find|read|resolve|access|import|connect|assign|borrow|load|open',
    'not ~1 defined|assignable|iterable|callable|found', 'permission denied', 'overflow|overflows', 'out of memory',
  ] },
  { kind: 'fix', weight: 2, cues: [
    'jumps|resets|disappears|vanishes|flickers|flicker|flickering|glitch|glitches|lags|stutters', 'twice|doubled|duplicated', 'forever|endlessly',
    'show|shows|showing|display|displays|render|renders|appear|appears|comes|come ~2 as',
    'cuts|cut ~1 off', 'truncated|truncates|truncating|garbled|corrupted|corrupt|mangled',
  ] },
  { kind: 'fix', weight: 1.5, cues: [
    'error|errors', 'exception|exceptions', 'throws|throwing|threw|raises|raising', 'warning|warnings', 'problem|problems',
    'timeout|timeouts', 'times|timed out', 'unexpected|unexpectedly', 'not expected', 'instead of', 'mismatch', 'still', 'sometimes', 'but not', 'keeps',
  ] },

  // ---- explain: understanding -----------------------------------------------------------------
  { kind: 'explain', weight: 4, cues: [
    'explain|explaining|explanation|explains', 'walk ~1 through', 'help ~1 understand', 'eli5', 'what ~4 mean|means|meaning',
    'what does|do|did ~5 do|does|mean|return|returns', 'in simple|plain ~1 words|terms|english', 'overview', 'big picture',
  ] },
  { kind: 'explain', weight: 3, cues: [
    'describe|describes', 'go through', 'tell me ~1 about|what|why|how|where|which|when|who', 'understand|understanding',
    'clarify', 'how come', 'difference|differences|versus', 'review', 'how ~4 work|works|working', 'what ~2 happens|happen',
    'is there a reason', 'opinion|thoughts|feedback',
  ] },
  { kind: 'explain', weight: 2, cues: [
    'why', 'who calls|uses', 'purpose|point|role|intuition|meaning', 'any ~2 problems|issues|concerns|risks', 'idiomatic', 'complexity',
  ] },
  { kind: 'explain', weight: 2, leadOnly: true, cues: [
    'is|are|does|can|should|would|will|could|did|was|were|has|have ~0 this|it|that|these|those|there|the|my|a|an|its|we|i|§',
    'do ~0 i|we|you|they|these|those|both', 'which',
  ] },
  { kind: 'explain', weight: 1, cues: ['what is|are|was|were', 'whats', 'how does|do|did|is|are|was', 'where is|are|does|do'] },

  // ---- edit: a small targeted change ------------------------------------------------------------
  { kind: 'edit', weight: 5, cues: [
    'typo|typos|misspelled|misspelling|misspelt|spelling',
    'fix|correct ~4 typo|typos|spelling|wording|indentation|formatting|capitalization|capitalisation|casing|whitespace|grammar',
  ] },
  { kind: 'edit', weight: 4, instruction: true, cues: [
    'rename|renaming|renamed', 'annotate', 'bump', 'capitalize|capitalise',
    `add|put|include|insert|append|prepend|attach|give ~4 ${SMALL}`, 'add|put|insert ~2 §',
    'remove|delete|drop|strip ~4 unused|import|imports|comment|comments|commented|log|logs|print|prints|console|debug|semicolon|semicolons|whitespace|variable|param|parameter|argument|line|todo|todos|decorator|attribute|flag',
    `make|mark|set|declare ~4 ${MODIFIER}`, 'mark ~4 as', 'swap ~3 order|places|positions|arguments|args|params|parameters|lines|operands|two',
    'flip ~3 condition|sign|order|boolean|check|comparison|flag', 'negate ~3 condition|check',
    'reorder|sort ~3 fields|imports|arguments|params|parameters|properties|keys|members|methods',
    'replace ~3 § ~2 with', 'replace ~4 magic|literal|literals|hardcoded|hard|string|number|value|var|quotes|tabs|spaces',
    'use single|double ~1 quotes', 'make ~4 a|an ~1 parameter|argument|param|option|constant|setting|flag|variable|default|config',
    'change|set|update|modify|adjust|tweak|increase|decrease|raise|lower|bump ~6 to #|§', 'change|set|update|modify|edit|adjust|tweak §',
  ] },
  { kind: 'edit', weight: 3, instruction: true, cues: [
    'change|set|update|modify|adjust|tweak|increase|decrease|raise|lower|reduce ~6 to', 'change|changes ~6 from ~5 to', 'insert',
    'wrap ~4 in|with', 'tag ~3 as|with',
    'make ~3 label|text|title|message|heading|placeholder|tooltip|caption|color|colour ~3 say|be', 'give ~3 default', 'deprecate',
  ] },
  { kind: 'edit', weight: 3, leadOnly: true, cues: ['type ~3 as', 'export ~1 this|that|it|the|these', 'add §'] },
  { kind: 'edit', weight: 1.5, cues: [
    'line #', 'this|that|one|same line', 'default value|argument|arguments', 'deprecated|deprecation', 'copyright',
    'label|placeholder|tooltip|color|colour|padding|margin|font|wording|level|verbosity', 'constant', 'hardcoded|hardcoding',
    'hard ~1 coded|coding',
  ] },

  // ---- refactor: restructure without changing behaviour --------------------------------------------
  { kind: 'refactor', weight: 4, instruction: true, cues: [
    'refactor|refactoring|refactored|refactors', 'restructure|restructuring', 'reorganize|reorganise|reorganization|reorganisation|reorg',
    'rearchitect', 'clean ~2 up', 'tidy', 'simplify|simplifying', 'extract|extracting', 'factor ~2 out', 'decouple|decoupling|untangle|disentangle',
    'consolidate|unify|unifying', 'merge|combine ~4 into one', 'deduplicate|dedupe|deduplication|duplication|repetition', 'dry',
    'reduce ~3 nesting|complexity|coupling|duplication|boilerplate|repetition|indentation', 'modernize|modernise|modernizing|modernising', 'encapsulate|encapsulation',
    'rewrite|rewriting ~6 using|with|in|as|without|into', 'turn ~4 into', 'convert|converting ~6 to|into', 'change|switch|convert|update ~6 to use',
    'abstract ~2 away|out',
    'make ~5 readable|idiomatic|pythonic|maintainable|testable|modular|pure|generic|reusable|cleaner|simpler|declarative|functional|composable|extensible|consistent|dry|smaller|shorter',
    'improve ~3 structure|readability|design|organisation|organization|naming|architecture', 'without changing', 'same behaviour|behavior',
  ] },
  { kind: 'refactor', weight: 3.5, leadOnly: true, instruction: true, cues: ['inline|port|hoist|flatten|migrate ~0 this|the|it|these|those|our|my|that|to|from|all|everything|them|§'] },
  { kind: 'refactor', weight: 3, instruction: true, cues: [
    'split|splitting', 'break ~3 up|apart', 'separate|separating', 'pull ~4 out', 'move|moving|relocate ~6 into|to|out',
    'introduce ~3 interface|abstraction|class|layer|repository|factory|base|type|helper|service|module|facade|adapter',
    'apply ~3 pattern|principle|principles|solid|dry', 'dependency injection', 'inject', 'switch ~5 to|from', 'swap ~5 for',
    'use ~5 instead', 'replace ~6 with', 'share|reuse ~5 between|across|through', 'optimize|optimise|optimizing|optimising', 'speed ~1 up', 'faster',
    'readability|maintainability|testability',
    'get rid of|eliminate ~3 global|globals|state|singleton|singletons|boilerplate|dependency|dependencies|inheritance|mutation|any|duplication',
    'more ~1 readable|idiomatic|pythonic|maintainable|testable|modular|reusable|concise|functional|declarative|elegant|efficient',
    'migrate|migrating', 'convert|converting', 'rewrite|rewriting',
  ] },
  { kind: 'refactor', weight: 2, cues: [
    'its|their|a ~1 own|separate', 'separate ~1 file|module|function|class|package|files|modules|functions|classes', 'god class|object',
    'spaghetti|mess|messy', 'solid', 'early return|returns', 'guard clauses', 'composition|polymorphism|inheritance|generics', 'pattern',
    'too long|big|complex|large|many', '# line|lines', 'nested|nesting', 'callbacks|callback', 'promise chain', 'duplicate|duplicated code',
    'common ~2 parts|code|logic', 'helpers|helper', 'performance|perf',
  ] },

  // ---- generate: new code, tests or docs -------------------------------------------------------------
  { kind: 'generate', weight: 4, instruction: true, cues: [
    `add|adding ~4 ${FEATURE}`, 'scaffold|bootstrap|boilerplate', 'from scratch',
    `how ~2 do|can|would|to|should ~1 i|we|you|one ~1 write|create|implement|build|make|generate|code ~2 ${ARTIFACT}`,
  ] },
  { kind: 'generate', weight: 3.5, leadOnly: true, cues: [`a|an|some ~3 ${ARTIFACT}`, 'support'] },
  { kind: 'generate', weight: 3.5, instruction: true, cues: ['generate|generating', 'implement|implementing', 'build|building', 'set up|setup', 'code ~2 a|an|up|me'] },
  { kind: 'generate', weight: 2.5, instruction: true, generic: true, cues: [
    'write|writing', 'create|creating', 'make ~1 me|us', 'draft', 'produce', 'give me', 'need ~1 a|an|some', 'want ~1 a|an',
  ] },
  { kind: 'generate', weight: 2, cues: ['make ~1 a|an|some', 'add', 'tests|coverage', 'test cases|suite', 'docs|documentation|readme|changelog'] },
  { kind: 'generate', weight: 1.5, cues: ['new'] },

  // ---- plan: steps before code --------------------------------------------------------------------
  { kind: 'plan', weight: 5, cues: [
    'plan|plans|planning', 'roadmap|roadmaps', 'design doc|docs|document', 'rfc|adr', 'milestones|milestone',
    'break|split ~4 into|down ~3 steps|tasks|stories|tickets|phases|milestones|prs|subtasks|chunks|epics|increments',
    'dont|no|not|without ~2 code|coding|implement|implementing|implementation ~1 yet|first', 'no code',
    'before ~3 writing|coding|implementing|code|implementation|touching|changing|starting|making|doing',
  ] },
  { kind: 'plan', weight: 4, cues: [
    'step by step', 'steps', 'phases|phase', 'checklist', 'todo list', 'to do list', 'strategy', 'approach', 'go about', 'tackle',
    'outline|sketch', 'lay out', 'what ~3 order|sequence|priority', 'in which order ~2 should|would|to|do|shall', 'whats ~2 plan|approach|strategy',
    'what is ~2 plan|approach|strategy', 'order of work', 'where ~3 start|begin|focus', 'sequence of', 'migration|upgrade path', 'rollout', 'roll out',
    'how ~1 should|would ~2 i|we|you ~2 structure|organize|organise|design|architect|split|approach|tackle|handle|start|proceed|do|add|implement|build',
    'propose|proposal', 'suggest ~3 plan|approach|way|strategy|architecture|design|order', 'what needs ~2 happen|change|done',
    'scope ~3 work|project|feature', 'prioritise|prioritize|prioritising|prioritizing|prioritisation|prioritization',
    'order ~3 you|youd|we|wed|i|id ~2 change|do|tackle|implement|make|apply|touch|take|handle',
    'organise|organize|split|divide|structure|sequence|order|prioritize|prioritise|plan ~2 work',
  ] },
  { kind: 'plan', weight: 3, instruction: true, cues: [
    'write|draft|create|make|give|prepare|produce|need|want|come ~4 plan|plans|roadmap|outline|checklist|strategy|rfc|proposal|breakdown|steps',
  ] },
  { kind: 'plan', weight: 2.5, cues: [
    'architecture|architect', 'design|designing', 'high level', 'tasks|stories|tickets|epic|epics|sprint|sprints|estimates',
    'list ~4 changes|steps|tasks|files|components|things',
    'which ~4 need|needs ~2 change|changing|changed', 'what would ~4 look like', 'think ~3 through|about', 'best way ~3 to|of', 'minimal set', 'mvp',
    'options', 'trade offs', 'tradeoffs', 'pros and cons', 'wait for|until ~2 ok|okay|approval|confirmation|go',
  ] },
  { kind: 'plan', weight: 1.5, cues: ['first'] },

  // ---- other: conversation, and text that is neither code nor its documentation -----------------------
  { kind: 'other', weight: 4, leadOnly: true, cues: [
    'hi|hello|hey|yo|thanks|thank|thx|ty|cheers|yes|yep|yeah|sure|nope|nah|continue|proceed|next|stop|wait|nevermind|nvm|lol|haha|perfect|great|cool|nice|awesome|excellent|undo|revert|again|retry|same|good|sounds|go',
    'never mind', 'go on|ahead', 'do ~1 it|that|this|same', 'run ~2 tests|test|it|build|linter|lint|app|server|script|suite|again', 'commit|push|deploy|publish|release',
  ] },
  { kind: 'other', weight: 5, cues: [
    'commit message|messages|msg', 'pr|mr ~1 description|title', 'pull request description', 'cover letter',
    'write|draft|compose|send|post|answer ~4 tweet|email|mail|reply|blog|linkedin|slack|newsletter|announcement|letter|response',
    'reply|respond ~1 to', 'convert|turn|transform|format ~3 table|csv|json|data|tsv|xml|yaml|spreadsheet',
    'translate|translation|translated', 'proofread|grammar', 'joke|poem|story|song', 'weather|recipe|movie', 'capital of',
    'plan ~1 cost|costs|price|prices|pricing|tier|subscription', 'pro|free|paid|premium|enterprise ~1 plan',
    'license|licence|licensed', 'who ~2 wrote|maintains|maintain|made|owns|created|authored|built', 'how much ~2 cost|costs|pay',
  ] },
  { kind: 'other', weight: 3.5, cues: [
    'price|pricing|subscription',
    'what|which model', 'are you', 'your ~2 name|model|context|limit|limits|knowledge|cutoff|version', 'what day|date|time',
    'markdown table', 'sort ~3 lines|words|names|list|entries', 'summarize|summarise|summary|tldr',
    'that|it ~1 worked', 'works now', 'not what i ~1 asked|wanted|meant', 'from now on',
    'in french|german|spanish|english|italian|portuguese|chinese|japanese|korean|russian',
    'product|brand|logo|marketing|slogan', 'name for',
  ] },
  { kind: 'other', weight: 2, cues: [
    'tweet|email|blog|linkedin|slack|newsletter|announcement', 'csv|tsv|spreadsheet|excel', 'same ~1 for|with|thing|again|here',
    'recommend|recommendation|recommendations', 'book|books|course|courses|tutorial', 'into|to ~1 json|yaml|xml|csv|tsv|markdown|html|table',
  ] },
  { kind: 'other', weight: 1.5, cues: ['json|yaml|xml|markdown'] },
];
