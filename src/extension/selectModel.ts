/**
 * "Credit Meter: Select Model": models of the configured providers and the language models VS Code
 * offers (e.g. Copilot's); the choice becomes `creditMeter.defaultModel`.
 */
import * as vscode from 'vscode';
import { formatModelRef } from '../core/settings/modelRef';
import type { Services } from './services';

interface ModelItem extends vscode.QuickPickItem {
  readonly modelRef?: string;
}

export async function selectModel(services: Services, modelRef?: string): Promise<string | undefined> {
  if (modelRef !== undefined) {
    await services.config.update('defaultModel', modelRef);
    return modelRef;
  }
  const settings = services.config.settings;
  const items: ModelItem[] = [];
  for (const provider of settings.providers.filter((p) => p.kind !== 'vscode-lm')) {
    items.push({ label: provider.id, kind: vscode.QuickPickItemKind.Separator });
    for (const model of provider.models) {
      const ref = formatModelRef({ providerId: provider.id, model });
      items.push({ label: model, description: provider.baseUrl, modelRef: ref, picked: ref === settings.defaultModel });
    }
  }
  const lmProviderId = settings.providers.find((p) => p.kind === 'vscode-lm')?.id ?? 'vscode-lm';
  try {
    const models = await vscode.lm.selectChatModels();
    if (models.length > 0) {
      items.push({ label: 'VS Code language models', kind: vscode.QuickPickItemKind.Separator });
      for (const model of models) {
        items.push({ label: model.name, description: `${model.vendor} · ${model.id}`, modelRef: formatModelRef({ providerId: lmProviderId, model: model.id }) });
      }
    }
  } catch (error) {
    services.log.warn(`Language models unavailable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const current = items.find((item) => item.modelRef === settings.defaultModel);
  if (current) {
    current.description = `${current.description ?? ''} (current)`.trim();
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: `Model for new requests (now ${settings.defaultModel})`, matchOnDescription: true });
  if (!picked?.modelRef) {
    return undefined;
  }
  await services.config.update('defaultModel', picked.modelRef);
  const draft = services.liveEstimate.currentDraft;
  if (draft) {
    services.liveEstimate.update({ source: draft.source, modelRef: picked.modelRef });
  }
  return picked.modelRef;
}
