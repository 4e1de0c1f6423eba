import { ComposeViewState, parseToComposeView, type FromWebview, type TurnView } from '../../protocol/compose';
import { configureL10n } from '../l10n';
import { ComposeView } from './composeView';

// Before anything is rendered: every string of the view is looked up in this bundle.
configureL10n();

const vscode = acquireVsCodeApi<ComposeViewState>();

/** UI state from before the view was hidden; anything malformed is ignored rather than trusted. */
function restoredState(): ComposeViewState {
  const parsed = ComposeViewState.safeParse(vscode.getState());
  return parsed.success ? parsed.data : { prompt: '', turn: null };
}

function post(message: FromWebview): void {
  vscode.postMessage(message);
}

const restored = restoredState();
const root = document.getElementById('compose') ?? document.body;
const view = new ComposeView(root, {
  post,
  save: (prompt: string, turn: TurnView | null) => vscode.setState({ prompt, turn }),
}, restored.prompt, restored.turn);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseToComposeView(event.data);
  if (!parsed.ok) {
    console.warn(`Credit Meter: ignored a malformed message (${parsed.reason})`);
    return;
  }
  view.apply(parsed.message);
});

post({ type: 'ready', ...(restored.prompt ? { prompt: restored.prompt } : {}) });
view.focus();
